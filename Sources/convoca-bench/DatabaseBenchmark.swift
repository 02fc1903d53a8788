import Database
import Foundation
import Logging

/// Point selects through the pool, the same statement `pgbench -S` runs, for a fixed time.
/// Usage: convoca-bench CONNINFO WORKERS SECONDS ROWS [inline|handoff]
/// `inline` (the default) runs the workers on the pool's blocking executor, as the server does;
/// `handoff` runs them on the cooperative pool, so every query crosses to a pool thread and back.
@main
struct DatabaseBenchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 5 || arguments.count == 6, let workers = Int(arguments[2]), let seconds = Double(arguments[3]),
            let rows = Int(arguments[4])
        else {
            FileHandle.standardError.write(Data("usage: convoca-bench CONNINFO WORKERS SECONDS ROWS [inline|handoff]\n".utf8))
            exit(2)
        }
        let inline = arguments.count == 5 || arguments[5] == "inline"
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let pool = DatabasePool(configuration: .init(conninfo: arguments[1], size: workers), logger: logger)
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { try await pool.run(); return 0 }
            // Warm up: every connection opened and the statement prepared.
            try await withThrowingTaskGroup(of: Void.self) { warm in
                for _ in 0..<workers {
                    warm.addTask(executorPreference: inline ? pool.executor : nil) { _ = try await query(pool, rows: rows) }
                }
                try await warm.waitForAll()
            }
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            let counts = try await withThrowingTaskGroup(of: Int.self) { load in
                for _ in 0..<workers {
                    load.addTask(executorPreference: inline ? pool.executor : nil) {
                        var done = 0
                        while ContinuousClock.now < deadline {
                            _ = try await query(pool, rows: rows)
                            done += 1
                        }
                        return done
                    }
                }
                var sum = 0
                for try await count in load { sum += count }
                return sum
            }
            group.cancelAll()
            return counts
        }
        print(String(format: "%.0f", Double(total) / seconds))
    }

    static func query(_ pool: DatabasePool, rows: Int) async throws -> Int {
        let aid = Int.random(in: 1...rows)
        return try await pool.withConnection { connection in
            try connection.query("SELECT abalance FROM pgbench_accounts WHERE aid = \(aid)").first!.decode(Int.self, column: "abalance")
        }
    }
}
