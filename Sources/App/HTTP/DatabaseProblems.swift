import Database

/// Database conditions a client can do something about: wait and try again (503 with Retry-After).
/// Everything else from the database is a 500 whose details stay in the log.
extension PoolError: ProblemConvertible {
    var problem: Problem {
        switch self {
        case .acquireTimeout:
            Problem(.serviceUnavailable, detail: .serviceBusy, headers: [.retryAfter: "1"])
        case .shutdown:
            Problem(.serviceUnavailable, detail: .shuttingDown, headers: [.retryAfter: "5"])
        }
    }
}

extension DatabaseError {
    /// What the client can act on: a value PostgreSQL cannot hold (400; bodies are checked before
    /// this with pointers, this catches paths, queries and headers), the database cannot be
    /// reached, a conflict outlasted every retry, or a statement ran out of time.
    var clientProblem: Problem? {
        if isNULParameter { return Problem(.badRequest, detail: .requestValueHasNUL) }
        return unavailableProblem
    }

    /// The database cannot be reached, a conflict outlasted every retry, or a statement ran out of time.
    var unavailableProblem: Problem? {
        if isConnectionFailure, commitOutcomeUnknown {
            return Problem(.serviceUnavailable, detail: .changeMayHaveBeenMade, headers: [.retryAfter: "5"])
        }
        if isConnectionFailure {
            return Problem(.serviceUnavailable, detail: .databaseUnreachableTryAgain, headers: [.retryAfter: "5"])
        }
        if isTransientTransactionFailure {
            return Problem(.serviceUnavailable, detail: .requestConflicted, headers: [.retryAfter: "1"])
        }
        if isQueryCanceled {
            // The statement timeout ran out (a lock held elsewhere, or a load the database cannot keep up with).
            return Problem(.serviceUnavailable, detail: .requestTookTooLong, headers: [.retryAfter: "5"])
        }
        return nil
    }
}
