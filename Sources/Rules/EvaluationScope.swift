/// What an iterating or error-catching operator left behind when it moved the data context,
/// so `val` can climb back up with `[[-n], ...]` (community edition scopes).
struct ScopeFrame {
    /// What a climb of an odd number of levels sees at this frame.
    var detail: FrameDetail
    /// The data that was current before the frame was entered; an even climb sees it.
    let data: JSONValue
}

enum FrameDetail {
    /// Inside `map`/`filter`/`all`/`none`/`some`: climbing one level yields `{"index": i}`.
    case iteration(index: Int)
    /// Inside `reduce`: climbing one level yields the array being reduced.
    case reduction(JSONValue)
    /// Inside a `try` fallback: climbing one level yields `null`.
    case opaque

    var value: JSONValue {
        switch self {
        case .iteration(let index): return .object(["index": .number(Double(index))])
        case .reduction(let collection): return collection
        case .opaque: return .null
        }
    }
}

/// Collects the facts a rule reads, each path once, in first-read order.
struct FactRecorder {
    private(set) var reads: [FactRead] = []
    /// Filled only once there are enough reads for a scan to cost more than hashing.
    private var seenPaths: Set<String> = []
    private static let scanLimit = 16

    mutating func record(_ path: String, _ value: JSONValue) {
        if reads.count < Self.scanLimit {
            for read in reads where read.path == path { return }
        } else {
            if seenPaths.isEmpty { seenPaths = Set(reads.map(\.path)) }
            guard seenPaths.insert(path).inserted else { return }
        }
        reads.append(FactRead(path: path, value: value))
    }
}
