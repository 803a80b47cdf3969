import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, its output written to a file.
///
/// Foundation's `Process.run()` on Linux reads `/proc/self/fd` with a 256-byte copy of every `dirent`
/// (swift-corelibs-foundation #5472). When a record sits at the end of glibc's buffer the copy runs past it, and the test
/// process dies with SIGSEGV now and then. The suites spawn servers while hundreds of loopback sockets are open, which
/// makes that likely, so they start children here instead: descriptors above 2 are closed in the child by
/// `posix_spawn_file_actions_addclosefrom_np`, with no directory walk.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments` and `environment`; stdin is /dev/null, stdout and stderr go to `output`
    /// (appended) or to /dev/null.
    init(executable: String, arguments: [String], environment: [String: String], output: URL?) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let sink = output?.path ?? "/dev/null"
        try Self.check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "stdin")
        try Self.check(posix_spawn_file_actions_addopen(&actions, 1, sink, O_WRONLY | O_CREAT | O_APPEND, 0o644), "stdout")
        try Self.check(posix_spawn_file_actions_adddup2(&actions, 1, 2), "stderr")
        if let closeFrom = Self.addCloseFrom { try Self.check(closeFrom(&actions, 3), "closefrom") }

        let argv = [executable] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var cArgv = argv.map { strdup($0) } + [nil]
        var cEnvp = envp.map { strdup($0) } + [nil]
        defer {
            for pointer in cArgv + cEnvp { free(pointer) }
        }
        var child = pid_t()
        let spawned = posix_spawn(&child, executable, &actions, nil, &cArgv, &cEnvp)
        guard spawned == 0 else { throw HarnessError("could not start \(executable): \(String(cString: strerror(spawned)))") }
        pid = child
    }

    /// Runs a program found on PATH to its end and returns its exit status.
    static func run(_ program: String, _ arguments: [String], output: URL? = nil) throws -> Int32 {
        let child = try ChildProcess(
            executable: "/usr/bin/env", arguments: [program] + arguments, environment: ProcessInfo.processInfo.environment, output: output)
        return child.waitUntilExit()
    }

    /// True until the child has exited (a stopped child is still running).
    var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if exitStatus != nil { return false }
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid || (reaped == -1 && errno == ECHILD) {
            exitStatus = status
            return false
        }
        return true
    }

    func signal(_ signal: Int32) {
        guard isRunning else { return }
        _ = Glibc.kill(pid, signal)
    }

    /// Waits for the child to exit and returns its exit code (128 + the signal when a signal ended it).
    @discardableResult
    func waitUntilExit() -> Int32 {
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(pid, &status, 0) } while reaped == -1 && errno == EINTR
        lock.lock()
        defer { lock.unlock() }
        if reaped == pid { exitStatus = status } // otherwise `isRunning` reaped it and kept the status
        let final = exitStatus ?? 0
        let signal = final & 0x7f
        return signal == 0 ? (final >> 8) & 0xff : 128 + signal
    }

    /// glibc (2.34 and later) has `posix_spawn_file_actions_addclosefrom_np`, but declares it only under `_GNU_SOURCE`,
    /// which Swift's Glibc module does not set; it is looked up by name. Without it, descriptors the test process did not
    /// mark close-on-exec are inherited, which is harmless for these children.
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    private static func check(_ result: Int32, _ step: String) throws {
        guard result == 0 else { throw HarnessError("posix_spawn \(step): \(String(cString: strerror(result)))") }
    }
}
