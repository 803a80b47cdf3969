import Foundation

/// `--port-file PATH`: once the server listens, the bound port is written to PATH (as decimal text and a newline),
/// so a supervisor or test that started it with `--port 0` learns the port without racing for a free one. The file
/// is written beside PATH and renamed into place, so a reader never sees a partial number.
struct PortFile: Sendable {
    let path: String

    func write(_ port: Int) {
        let target = URL(fileURLWithPath: path)
        let staging = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(getpid())")
        do {
            try Data("\(port)\n".utf8).write(to: staging)
            guard rename(staging.path, target.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            FileHandle.standardError.write(Data("seedgate: could not write the port file \(path): \(error)\n".utf8))
        }
    }
}
