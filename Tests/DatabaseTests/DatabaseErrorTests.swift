import Database
import Testing

@Suite("Database errors")
struct DatabaseErrorTests {
    @Test func uniqueViolationCarriesFieldsButDescriptionHidesData() async throws {
        try await withTestDatabase { db in
            let email = "private.person@example.com"
            let error = await #expect(throws: DatabaseError.self) {
                try await db.pool.withConnection { c in
                    try await c.execute("CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL UNIQUE)")
                    try await c.execute("INSERT INTO accounts (email) VALUES (\(email))")
                    try await c.execute("INSERT INTO accounts (email) VALUES (\(email))")
                }
            }
            let failure = try #require(error)
            #expect(failure.kind == .server)
            #expect(failure.isUniqueViolation)
            #expect(failure.sqlState == "23505")
            #expect(failure.constraint == "accounts_email_key")
            #expect(failure.table == "accounts")
            #expect(failure.schema == "public")
            #expect(failure.detail?.contains(email) == true)
            #expect(failure.query?.contains("$1") == true)
            #expect(!failure.description.contains(email))
            #expect(failure.description.contains("accounts_email_key"))
            #expect(String(reflecting: failure).contains(email))
        }
    }

    @Test func constraintHelpers() async throws {
        try await withTestDatabase { db in
            let errors = try await db.pool.withConnection { c in
                try await c.execute(unsafeRawMultiStatement: """
                    CREATE TABLE parents (id int PRIMARY KEY);
                    CREATE TABLE children (
                        id int PRIMARY KEY,
                        parent_id int REFERENCES parents (id),
                        age int NOT NULL CHECK (age >= 0)
                    );
                    """)
                var errors: [DatabaseError] = []
                let statements: [SQL] = [
                    "INSERT INTO children VALUES (1, \(99), 1)",
                    "INSERT INTO children VALUES (2, NULL, \(-1))",
                    "INSERT INTO children VALUES (3, NULL, NULL)",
                    "SELEC 1",
                    "SELECT \("abc")::int",
                ]
                for statement in statements {
                    do { try await c.execute(statement) } catch let error as DatabaseError { errors.append(error) }
                }
                return errors
            }
            try #require(errors.count == 5)
            #expect(errors[0].isForeignKeyViolation)
            #expect(errors[0].constraint == "children_parent_id_fkey")
            #expect(errors[1].isCheckViolation)
            #expect(errors[1].constraint == "children_age_check")
            #expect(errors[2].isNotNullViolation)
            #expect(errors[2].column == "age")
            #expect(errors[3].sqlState == "42601")
            #expect(errors[3].position == 1)
            #expect(errors[4].sqlState == "22P02")
            // Data exceptions quote the input in the message: the description drops it.
            #expect(!errors[4].description.contains("abc"))
            #expect(String(reflecting: errors[4]).contains("abc"))
            #expect(errors.allSatisfy { !$0.isConnectionFailure && !$0.isSerializationFailure && !$0.isDeadlock })
        }
    }

    @Test func connectionErrorsAreDistinct() async throws {
        var configuration = DatabasePool.Configuration(conninfo: "host=/nonexistent-convoca-socket-dir port=1", size: 1)
        configuration.connectTimeout = .seconds(2)
        let pool = DatabasePool(configuration: configuration)
        let error = await #expect(throws: DatabaseError.self) {
            try await pool.withConnection { c in try await c.scalar(Int.self, "SELECT 1::int8") }
        }
        #expect(error?.kind == .connection)
        #expect(error?.isConnectionFailure == true)
        #expect(error?.sqlState == nil)
        await pool.shutdown()
    }
}
