import Database
import Hummingbird

/// Runs each request's work on one of the database event loops, in turn, so the request's
/// statements are sent and their answers handled on the thread that runs it: no hand-off to
/// another thread and back per statement, and answers arriving together are served in one wake-up.
struct DatabaseLoopMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await withTaskExecutorPreference(DatabaseEventLoop.next()) { try await next(request, context) }
    }
}
