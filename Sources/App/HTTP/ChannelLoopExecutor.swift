import NIOCore

/// Runs the jobs of the tasks that prefer it on one NIO event loop: each HTTP connection's task runs
/// on the loop that reads and writes its socket (`HTTP1Pipeline`), so a request that arrives resumes
/// its task without waking another thread, and its answer is written from the loop's own thread.
///
/// Without it a connection's task ran on Swift's cooperative pool: every request crossed from the
/// event loop to the pool, then (`DatabaseLoopMiddleware`) to a database loop, then back to the
/// event loop to be written. Work that waits on the database still moves to a database loop, where
/// its statements' answers are awaited without a crossing per statement.
final class ChannelLoopExecutor: TaskExecutor, @unchecked Sendable {
    // `@unchecked`: its one stored property is immutable and `EventLoop` is `Sendable`.
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // Queued even when called on the loop's thread: a job must never run inside `enqueue`.
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
