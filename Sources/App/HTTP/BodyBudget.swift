import Synchronization

/// The request bytes the server holds at once, counted as each body is admitted: its declared length,
/// or the most it may be when it comes in chunks. A body is read into memory whole (and an upload is
/// copied again on its way to PostgreSQL), so without a bound enough clients uploading at once would
/// take all the memory there is; with it, one more is answered 503 before its body is read.
final class BodyBudget: Sendable {
    let limit: Int
    private let held = Mutex(0)

    init(limit: Int) { self.limit = limit }

    /// Takes `bytes` from the budget, or nothing and false when they do not fit.
    func reserve(_ bytes: Int) -> Bool {
        held.withLock { held in
            guard bytes <= limit - held else { return false }
            held += bytes
            return true
        }
    }

    func release(_ bytes: Int) {
        held.withLock { $0 -= bytes }
    }
}
