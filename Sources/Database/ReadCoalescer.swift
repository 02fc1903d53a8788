import Synchronization

/// Reads of one record by key that arrive while other such reads are in flight are answered together,
/// by one statement for the batch (`id = ANY($1)`): its fixed cost (the round trip, the loop's wake-up,
/// PostgreSQL's work per statement) is then shared by every read in it. A read that finds fewer than
/// `batchesPerLoop` batches in flight on its loop runs at once, alone: nothing ever waits to fill a batch.
///
/// Reads are grouped per database event loop (the one running the caller), so a batch's answers wake no
/// other thread. The reader that runs a batch answers the others in it, then hands the next batch to the
/// oldest read still waiting, which runs it in its own task.
public final class ReadCoalescer<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// Reads the records of these keys (each once); a key without a record is left out of the answer.
    public typealias Fetch = @Sendable ([Key]) async throws -> [Key: Value]

    private let lanes: [Lane]
    private let loops: [DatabaseEventLoop]

    /// - Parameters:
    ///   - batchesPerLoop: batches in flight at once per loop (about the pool's connections per loop).
    ///   - maxBatch: the most keys one statement reads.
    public init(batchesPerLoop: Int, maxBatch: Int = 64, fetch: @escaping Fetch) {
        loops = DatabaseEventLoop.shared
        // One lane per loop, and one for callers that run on none.
        lanes = (0...loops.count).map { _ in Lane(concurrency: max(1, batchesPerLoop), maxBatch: max(1, maxBatch), fetch: fetch) }
    }

    /// The record of `key`, nil when there is none. A failure of the batch's statement is every reader's.
    public func read(_ key: Key) async throws -> Value? {
        let current = DatabaseEventLoop.current
        let index = current.flatMap { loop in loops.firstIndex { $0 === loop } } ?? loops.count
        return try await lanes[index].read(key)
    }

    private final class Lane: Sendable {
        private enum Turn {
            case answered(Result<Value?, any Error>)
            case lead
        }

        private struct Waiter {
            let key: Key
            let continuation: CheckedContinuation<Turn, Never>
        }

        private struct State {
            var waiting: [Waiter] = []
            var head = 0
            var running = 0

            var hasWaiting: Bool { head < waiting.count }

            mutating func take(_ count: Int) -> ArraySlice<Waiter> {
                let end = min(waiting.count, head + count)
                let taken = waiting[head..<end]
                head = end
                if head == waiting.count {
                    waiting.removeAll(keepingCapacity: true)
                    head = 0
                }
                return taken
            }
        }

        private let state = Mutex(State())
        private let concurrency: Int
        private let maxBatch: Int
        private let fetch: Fetch

        init(concurrency: Int, maxBatch: Int, fetch: @escaping Fetch) {
            self.concurrency = concurrency
            self.maxBatch = maxBatch
            self.fetch = fetch
        }

        func read(_ key: Key) async throws -> Value? {
            let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
                let leads = state.withLock { state -> Bool in
                    if state.running < concurrency {
                        state.running += 1
                        return true
                    }
                    state.waiting.append(Waiter(key: key, continuation: continuation))
                    return false
                }
                if leads { continuation.resume(returning: .lead) }
            }
            switch turn {
            case .answered(.failure(let error)) where error is CancellationError && !Task.isCancelled:
                // The reader that ran the batch was cancelled (waiting for a connection), not this one: read again.
                return try await read(key)
            case .answered(let result):
                return try result.get()
            case .lead:
                return try await runBatch(leading: key)
            }
        }

        /// Reads `key` and the oldest waiting keys in one statement, answers them, and passes the turn on.
        private func runBatch(leading key: Key) async throws -> Value? {
            let followers = Array(state.withLock { $0.take(maxBatch - 1) })
            var keys = [key]
            var seen: Set<Key> = [key]
            for follower in followers where seen.insert(follower.key).inserted { keys.append(follower.key) }
            let result: Result<[Key: Value], any Error>
            do {
                result = .success(try await fetch(keys))
            } catch {
                result = .failure(error)
            }
            // The next batch is the oldest waiting read's to run; with none waiting, this one ends.
            let next = state.withLock { state -> Waiter? in
                guard state.hasWaiting else {
                    state.running -= 1
                    return nil
                }
                return state.take(1).first
            }
            next?.continuation.resume(returning: .lead)
            for follower in followers {
                follower.continuation.resume(returning: .answered(result.map { $0[follower.key] }))
            }
            return try result.get()[key]
        }
    }
}
