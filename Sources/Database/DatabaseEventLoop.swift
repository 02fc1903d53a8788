import CEventFD
import Foundation
import Synchronization

/// A thread that waits on many database sockets at once and runs Swift tasks.
///
/// It is both halves of one loop, as pgbench's client threads are: a task that prefers a loop
/// (`withTaskExecutorPreference(loop)`) sends its statement without blocking, suspends, and is
/// resumed on the same thread when its socket has the answer, while the thread serves other tasks
/// and other sockets meanwhile. Answers that arrive together are handled in one wake-up, and a
/// task never crosses threads to learn its query finished.
///
/// The loop sleeps in `poll(2)` over its sockets, as pgbench does: a loop watches a handful of
/// connections, and a poll set kept between waits arms a socket without a system call (epoll
/// needed an `epoll_ctl` per wait).
///
/// Loops are shared by the whole process (`DatabaseEventLoop.shared`, one per core) and live as
/// long as it does; an idle loop sleeps, waking once a second to check its waiters' deadlines.
public final class DatabaseEventLoop: TaskExecutor, @unchecked Sendable {
    /// The process's loops, one per core, started on first use.
    public static let shared: [DatabaseEventLoop] = {
        let count = max(1, ProcessInfo.processInfo.activeProcessorCount)
        return (0..<count).map { DatabaseEventLoop(name: "convoca-db-\($0)") }
    }()

    private static let nextShared = Atomic<Int>(0)

    /// One of the shared loops, in turn.
    public static func next() -> DatabaseEventLoop {
        let index = nextShared.add(1, ordering: .relaxed).oldValue
        return shared[index % shared.count]
    }

    /// The loop whose thread is running the caller, if any.
    public static var current: DatabaseEventLoop? {
        guard let raw = pthread_getspecific(currentLoopKey) else { return nil }
        return Unmanaged<DatabaseEventLoop>.fromOpaque(raw).takeUnretainedValue()
    }

    private let wakeup: Int32
    private let state = Mutex(State())

    private struct State {
        var jobs: [UnownedJob] = []
        /// The loop sleeps in poll(2) (up to a second, for deadlines) and must be woken for new work.
        var sleeping = false
        var sockets: [Int32: Registration] = [:]
        /// The sockets changed since the loop built its poll set.
        var changed = true
    }

    /// A socket is watched for the life of its connection, so waiting for an answer needs no
    /// system call; input nobody waits for (a notice, or the server closing an idle connection)
    /// takes it out of the poll set until someone waits again.
    private struct Registration {
        /// The connection the descriptor belongs to (descriptors are reused after a close).
        let owner: Int
        /// Resumed with true when the wait's deadline ran out first.
        var watcher: UnsafeContinuation<Bool, Never>?
        /// When the watcher stops waiting for a server that does not answer.
        var deadline: ContinuousClock.Instant?
        /// Input arrived while nobody waited.
        var pending = false
        /// Whether the socket is in the poll set.
        var armed = true
        /// Whether the loop also waits for room to write (only while a large statement is sent).
        var writable = false
    }

    private init(name: String) {
        wakeup = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        precondition(wakeup >= 0, "eventfd failed: \(errno)")
        let thread = Thread { [unowned(unsafe) self] in
            pthread_setspecific(currentLoopKey, Unmanaged.passUnretained(self).toOpaque())
            convoca_name_current_thread(name)
            self.run()
        }
        thread.start()
    }

    // MARK: Executor

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let wake = state.withLock { state -> Bool in
            state.jobs.append(job)
            defer { state.sleeping = false }
            return state.sleeping
        }
        if wake { signal() }
    }

    private func signal() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakeup, $0.baseAddress, 8) }
    }

    // MARK: Sockets

    /// Starts watching a connection's socket; `owner` identifies the connection.
    func register(_ descriptor: Int32, owner: Int) {
        let wake = state.withLock { state -> Bool in
            state.sockets[descriptor] = Registration(owner: owner)
            state.changed = true
            defer { state.sleeping = false }
            return state.sleeping
        }
        if wake { signal() }
    }

    /// Stops watching; call before the descriptor is closed. Ignores a descriptor now owned by another connection.
    func forget(_ descriptor: Int32, owner: Int) {
        state.withLock { state in
            guard state.sockets[descriptor]?.owner == owner else { return }
            state.sockets[descriptor] = nil
            state.changed = true
        }
        // A loop asleep on a closed descriptor wakes with POLLNVAL and drops it from its set.
    }

    /// Wakes whoever waits on the socket now (a time-out ran out); no-op if nobody waits.
    func interrupt(_ descriptor: Int32, owner: Int) {
        let watcher = state.withLock { state -> UnsafeContinuation<Bool, Never>? in
            guard state.sockets[descriptor]?.owner == owner else { return nil }
            defer {
                state.sockets[descriptor]?.watcher = nil
                state.sockets[descriptor]?.deadline = nil
            }
            return state.sockets[descriptor]?.watcher
        }
        watcher?.resume(returning: false)
    }

    /// Whether input arrived on the socket while nobody waited for it (and forgets that it did).
    func takePendingInput(_ descriptor: Int32, owner: Int) -> Bool {
        state.withLock { state in
            guard let registration = state.sockets[descriptor], registration.owner == owner else { return true }
            state.sockets[descriptor]?.pending = false
            return registration.pending
        }
    }

    /// Suspends until the socket has input (or a hang-up or error, which a read then reports), or,
    /// with `writable`, until it can take more output. May return early; callers check and wait again.
    /// With a `limit`, returns true if it ran out first (checked about once a second): the server
    /// stopped answering (stopped, or cut off without the connection being closed). With
    /// `cancellable`, a task already cancelled does not wait (checked under the lock `interrupt`
    /// takes, so a cancellation that interrupts just before the wait begins is not missed).
    @discardableResult
    func wait(
        for descriptor: Int32, owner: Int, writable: Bool = false, limit: Duration? = nil, cancellable: Bool = false
    ) async -> Bool {
        let deadline = limit.map { ContinuousClock.now + $0 }
        return await withUnsafeContinuation { (continuation: UnsafeContinuation<Bool, Never>) in
            let (resumeNow, wake) = state.withLock { state -> (Bool, Bool) in
                guard var registration = state.sockets[descriptor], registration.owner == owner else { return (true, false) }
                if cancellable, Task.isCancelled { return (true, false) }
                if registration.pending, !writable {
                    registration.pending = false
                    state.sockets[descriptor] = registration
                    return (true, false)
                }
                var wake = false
                if !registration.armed || registration.writable != writable {
                    registration.armed = true
                    registration.writable = writable
                    state.changed = true
                    // A sleeping loop polls an old set: wake it to take this socket in.
                    wake = state.sleeping
                    state.sleeping = false
                }
                registration.watcher = continuation
                registration.deadline = deadline
                state.sockets[descriptor] = registration
                return (false, wake)
            }
            if wake { signal() }
            if resumeNow { continuation.resume(returning: false) }
        }
    }

    /// On the loop thread: resumes, with true, the waiters whose deadline has passed.
    private func expire(now: ContinuousClock.Instant) {
        let expired = state.withLock { state -> [UnsafeContinuation<Bool, Never>] in
            var expired: [UnsafeContinuation<Bool, Never>] = []
            for (descriptor, registration) in state.sockets {
                guard let watcher = registration.watcher, let deadline = registration.deadline, deadline <= now else { continue }
                expired.append(watcher)
                state.sockets[descriptor]?.watcher = nil
                state.sockets[descriptor]?.deadline = nil
            }
            return expired
        }
        for watcher in expired { watcher.resume(returning: true) }
    }

    // MARK: The loop

    private func run() {
        let executor = asUnownedTaskExecutor()
        var set: [pollfd] = []
        var batch: [UnownedJob] = []
        batch.reserveCapacity(64)
        // Deadlines are checked about once a second; a sleeping loop wakes for that.
        var nextCheck = ContinuousClock.now + .seconds(1)
        while true {
            // Sleep only when there is nothing to run; an enqueue from elsewhere then writes `wakeup`.
            let hasJobs = state.withLock { state -> Bool in
                if state.changed {
                    set.removeAll(keepingCapacity: true)
                    set.append(pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0))
                    for (descriptor, registration) in state.sockets where registration.armed {
                        let events = Int16(POLLIN) | (registration.writable ? Int16(POLLOUT) : 0)
                        set.append(pollfd(fd: descriptor, events: events, revents: 0))
                    }
                    state.changed = false
                }
                if state.jobs.isEmpty {
                    state.sleeping = true
                    return false
                }
                return true
            }
            let count = set.withUnsafeMutableBufferPointer { buffer in
                poll(buffer.baseAddress, nfds_t(buffer.count), hasJobs ? 0 : 1000)
            }
            if !hasJobs { state.withLock { $0.sleeping = false } }
            if count > 0 {
                if set[0].revents != 0 {
                    var value: UInt64 = 0
                    _ = withUnsafeMutableBytes(of: &value) { read(wakeup, $0.baseAddress, 8) }
                }
                for index in 1..<set.count where set[index].revents != 0 {
                    ready(set[index].fd, invalid: set[index].revents & Int16(POLLNVAL) != 0)
                }
            }
            let now = ContinuousClock.now
            if now >= nextCheck {
                expire(now: now)
                nextCheck = now + .seconds(1)
            }
            // Run what is queued now; what those jobs enqueue waits for the next turn, after a socket check.
            state.withLock { state in
                swap(&batch, &state.jobs)
            }
            for job in batch {
                job.runSynchronously(on: executor)
            }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// On the loop thread: wakes the socket's waiter, or notes input nobody waits for and takes
    /// the socket out of the poll set until someone waits (it would report the same input again).
    private func ready(_ descriptor: Int32, invalid: Bool) {
        let watcher = state.withLock { state -> UnsafeContinuation<Bool, Never>? in
            guard var registration = state.sockets[descriptor] else {
                // Forgotten (its connection closed): rebuild the set without it.
                state.changed = true
                return nil
            }
            defer { state.sockets[descriptor] = registration }
            if let watcher = registration.watcher {
                registration.watcher = nil
                registration.deadline = nil
                if registration.writable || invalid {
                    registration.writable = false
                    registration.armed = !invalid
                    state.changed = true
                }
                return watcher
            }
            registration.pending = true
            registration.armed = false
            registration.writable = false
            state.changed = true
            return nil
        }
        watcher?.resume(returning: false)
    }
}

private let currentLoopKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()
