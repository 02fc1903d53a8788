import Foundation

/// Threads made for blocking calls, offered as a Swift task executor.
///
/// A task that prefers this executor (`withTaskExecutorPreference(pool.executor)`) runs on these
/// threads, so the pool can call libpq inline instead of handing each query to another thread and
/// back — two futex wake-ups fewer per query. The cooperative pool is never blocked: inline calls
/// happen only when the current thread is one of these. Threads start on demand and end after a
/// few idle seconds, so an executor nobody uses costs nothing and one left behind leaks nothing.
public final class BlockingExecutor: TaskExecutor, @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var threads = 0
    private var idleThreads = 0

    public let maximumThreads: Int
    private let idleTimeout: TimeInterval

    public init(maximumThreads: Int, idleTimeout: TimeInterval = 5) {
        precondition(maximumThreads > 0)
        self.maximumThreads = maximumThreads
        self.idleTimeout = idleTimeout
    }

    /// Whether the calling thread belongs to a `BlockingExecutor` (and so may block).
    public static var isCurrentThreadBlockingCapable: Bool { pthread_getspecific(threadMarker) != nil }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        let spawn = idleThreads == 0 && threads < maximumThreads
        if spawn { threads += 1 }
        condition.signal()
        condition.unlock()
        if spawn { startThread() }
    }

    private func startThread() {
        let thread = Thread { [self] in
            pthread_setspecific(threadMarker, UnsafeRawPointer(bitPattern: 1))
            work()
        }
        thread.start()
    }

    private func work() {
        let executor = asUnownedTaskExecutor()
        condition.lock()
        while true {
            while head == jobs.count {
                idleThreads += 1
                let signalled = condition.wait(until: Date(timeIntervalSinceNow: idleTimeout))
                idleThreads -= 1
                if !signalled && head == jobs.count {
                    threads -= 1
                    condition.unlock()
                    return
                }
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: executor)
            condition.lock()
        }
    }
}

/// Marks the threads of every `BlockingExecutor`.
private let threadMarker: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()
