import Foundation

/// The files the service ships beside its executable: the contract, migrations, seed and reference data.
///
/// They are found in `CONVOCA_HOME` when set, otherwise in the nearest folder above the executable or the
/// working directory that holds both `openapi.yaml` and `sql/` (the repository itself in development).
public enum BundledFiles {
    public static let root: URL = {
        if let home = ProcessInfo.processInfo.environment["CONVOCA_HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home, isDirectory: true)
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        let starts = [executable.deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        for start in starts {
            var folder = start.standardizedFileURL
            while true {
                if isHome(folder) { return folder }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    }()

    static func isHome(_ folder: URL) -> Bool {
        let manager = FileManager.default
        return manager.fileExists(atPath: folder.appendingPathComponent("openapi.yaml").path)
            && manager.fileExists(atPath: folder.appendingPathComponent("sql").path)
    }

    public static var migrationsDirectory: URL { root.appendingPathComponent("sql", isDirectory: true) }
    public static var seedDirectory: URL { root.appendingPathComponent("seed", isDirectory: true) }
    static func referenceFile(_ name: String) -> URL { root.appendingPathComponent("reference/\(name)") }
    public static func contract() throws -> Data { try Data(contentsOf: root.appendingPathComponent("openapi.yaml")) }
}
