import Database
import Hummingbird

/// Runs each request's work on the database pool's blocking executor, so its queries run inline on
/// the thread that already serves it instead of crossing to a pool thread and back.
struct BlockingExecutorMiddleware<Context: RequestContext>: RouterMiddleware {
    let executor: BlockingExecutor

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await withTaskExecutorPreference(executor) { try await next(request, context) }
    }
}
