@testable import App
import NIOCore
import NIOPosix
import Testing

/// A connection's task runs on its channel's event loop, before and after it waits on other threads.
@Suite struct ChannelLoopExecutorTests {
    @Test func aTaskThatPrefersALoopRunsOnItAfterEverySuspension() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loop = group.next()
        let other = group.next()
        let seen = try await withTaskExecutorPreference(ChannelLoopExecutor(loop)) {
            var seen = [loop.inEventLoop]
            // Resumed by another event loop's thread.
            _ = try await other.submit { other.inEventLoop }.get()
            seen.append(loop.inEventLoop)
            // Resumed by the clock's thread.
            try await Task.sleep(for: .milliseconds(2))
            seen.append(loop.inEventLoop)
            // A child task inherits the preference.
            async let child = loop.inEventLoop
            seen.append(await child)
            return seen
        }
        #expect(seen == [true, true, true, true])
        #expect(!loop.inEventLoop)
        try await group.shutdownGracefully()
    }
}
