import Database
import Foundation
import Logging

/// Point selects through the pool, the same statement `pgbench -S` runs, for a fixed time.
/// Usage: convoca-bench CONNINFO WORKERS SECONDS ROWS [inline|handoff]
/// `inline` (the default) runs the workers on the database event loops, as the server runs
/// requests; `handoff` runs them on the cooperative pool, so every answer crosses from a loop
/// thread to a cooperative thread.
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
                for worker in 0..<workers {
                    warm.addTask(executorPreference: inline ? loop(worker) : nil) {
                        var random = SplitMix64(seed: UInt64(worker))
                        _ = try await query(pool, rows: rows, random: &random)
                    }
                }
                try await warm.waitForAll()
            }
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            let counts = try await withThrowingTaskGroup(of: Int.self) { load in
                for worker in 0..<workers {
                    load.addTask(executorPreference: inline ? loop(worker) : nil) {
                        var done = 0
                        var random = SplitMix64(seed: UInt64(worker) &+ 0x9E37_79B9_7F4A_7C15)
                        while ContinuousClock.now < deadline {
                            _ = try await query(pool, rows: rows, random: &random)
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

    /// Workers spread evenly over the loops, as pgbench spreads its clients over its threads.
    static func loop(_ worker: Int) -> DatabaseEventLoop {
        DatabaseEventLoop.shared[worker % DatabaseEventLoop.shared.count]
    }

    static func query(_ pool: DatabasePool, rows: Int, random: inout SplitMix64) async throws -> Int {
        // pgbench draws its ids from a user-space generator too; the system one costs a getrandom(2) call each.
        let aid = Int.random(in: 1...rows, using: &random)
        return try await pool.withConnection { connection in
            try await connection.query("SELECT abalance FROM pgbench_accounts WHERE aid = \(aid)").first!.decode(Int.self, column: "abalance")
        }
    }
}

/// A small, fast pseudo-random generator (SplitMix64), good enough to pick rows.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
