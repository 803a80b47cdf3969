import Foundation
import SeedGateCore

/// A `MediaStore` in a directory of the local disk (the embedded default, `./data/media`). An object is written to a
/// temporary file under `.partial/` and renamed into place when complete, so a reader never sees part of one and a
/// crash mid-write leaves only a temporary file (removed by `removeStalePartials`).
public struct DirectoryMediaStore: MediaStore {
    public let kind = "directory"
    public let root: URL
    let chunkSize = 256 * 1024

    /// Creates the directory (and its `.partial/`) if needed.
    public init(root: URL) throws {
        self.root = root.standardizedFileURL
        try FileManager.default.createDirectory(at: self.root.appendingPathComponent(".partial"), withIntermediateDirectories: true)
    }

    public func put(_ key: String, contentType: String, body: MediaByteStream) async throws -> Int64 {
        let target = try path(key)
        let partial = root.appendingPathComponent(".partial").appendingPathComponent(UUID().uuidString)
        guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
            throw MediaStoreError(.failed, "cannot create a file in \(root.path)")
        }
        var written: Int64 = 0
        do {
            let handle = try FileHandle(forWritingTo: partial)
            do {
                for try await chunk in body {
                    try handle.write(contentsOf: chunk)
                    written += Int64(chunk.count)
                }
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard rename(partial.path, target.path) == 0 else {
                throw MediaStoreError(.failed, "cannot move the file into place: errno \(errno)")
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        return written
    }

    public func read(_ key: String, range: ClosedRange<Int64>?) async throws -> MediaByteStream {
        let file = try path(key)
        guard let handle = FileHandle(forReadingAtPath: file.path) else { throw MediaStoreError.notFound(key) }
        let start = range?.lowerBound ?? 0
        let end: Int64
        if let range {
            end = range.upperBound + 1
        } else {
            end = Int64(try handle.seekToEnd())
        }
        try handle.seek(toOffset: UInt64(start))
        let reader = ChunkReader(handle: handle, remaining: end - start, chunkSize: chunkSize)
        return .pulling { try reader.next() }
    }

    public func delete(_ key: String) async throws {
        let file = try path(key)
        do {
            try FileManager.default.removeItem(at: file)
        } catch CocoaError.fileNoSuchFile {
            return
        } catch let error as NSError where error.domain == NSPOSIXErrorDomain && error.code == Int(ENOENT) {
            return
        }
        // Remove the job's directory once empty (rmdir refuses a directory that still holds a file).
        _ = rmdir(file.deletingLastPathComponent().path)
    }

    public func size(of key: String) async throws -> Int64? {
        let file = try path(key)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path) else { return nil }
        return (attributes[.size] as? NSNumber)?.int64Value
    }

    /// Removes temporary files older than `age` (left by a process that died mid-write).
    public func removeStalePartials(olderThan age: TimeInterval, now: Date = Date()) {
        let partials = root.appendingPathComponent(".partial")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: partials.path)) ?? []
        for name in names {
            let file = partials.appendingPathComponent(name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date
            if let modified, now.timeIntervalSince(modified) > age { try? FileManager.default.removeItem(at: file) }
        }
    }

    /// The file for `key`; keys are SeedGate's own, but a key that could leave the directory is refused anyway.
    func path(_ key: String) throws -> URL {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.isEmpty, !key.hasPrefix("/"), parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.hasPrefix(".") }) else {
            throw MediaStoreError(.failed, "not a usable media key: \(key)")
        }
        return root.appendingPathComponent(key)
    }
}

/// Reads a file in chunks, up to a byte count, closing it at the end.
private final class ChunkReader: @unchecked Sendable {
    // Only the stream's single reader calls `next()`, one call at a time.
    let handle: FileHandle
    var remaining: Int64
    let chunkSize: Int

    init(handle: FileHandle, remaining: Int64, chunkSize: Int) {
        self.handle = handle
        self.remaining = remaining
        self.chunkSize = chunkSize
    }

    func next() throws -> [UInt8]? {
        guard remaining > 0 else {
            try? handle.close()
            return nil
        }
        let data = try handle.read(upToCount: Int(min(Int64(chunkSize), remaining))) ?? Data()
        guard !data.isEmpty else {
            try? handle.close()
            throw MediaStoreError(.failed, "the file is shorter than recorded")
        }
        remaining -= Int64(data.count)
        return [UInt8](data)
    }

    deinit { try? handle.close() }
}
