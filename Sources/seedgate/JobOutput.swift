import Foundation
import SeedGateClient

/// How client commands print: a few aligned lines for people, the API's own JSON (`--json`) for scripts.
enum JobOutput {
    typealias Job = Components.Schemas.Job

    /// JSON as the API writes it: snake_case keys (the generated types' coding keys), sorted, dates in RFC 3339.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let transcoder = RFC3339DateTranscoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try transcoder.encode(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func date(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(Date.ISO8601FormatStyle())
    }

    /// `seedgate jobs get`: one field a line.
    static func details(_ job: Job) -> String {
        var rows: [(String, String)] = [("id", job.id), ("status", job.status.rawValue), ("model", job.model)]
        if let provider = job.provider {
            var text = provider
            if let upstream = job.upstream {
                text += " (task \(upstream.taskId)" + (upstream.status.map { ", \($0)" } ?? "") + ")"
            }
            rows.append(("provider", text))
        }
        if let position = job.queuePosition { rows.append(("queue", "\(position) ahead")) }
        if let until = job.unconfirmedUntil { rows.append(("unconfirmed", "until \(date(until))")) }
        if let prompt = job.request.prompt, !prompt.isEmpty { rows.append(("prompt", prompt)) }
        rows.append(("created", date(job.createdAt)))
        if let started = job.startedAt { rows.append(("started", date(started))) }
        if let finished = job.finishedAt { rows.append(("finished", date(finished))) }
        if let output = job.output {
            if let video = output.videoUrl { rows.append(("video", video)) }
            if let frame = output.lastFrameUrl { rows.append(("last frame", frame)) }
            if let archive = output.archive {
                var text = archive.state.rawValue
                if let bytes = archive.video?.bytes { text += ", \(bytes) bytes" }
                if let error = archive.error { text += " (\(error.code.rawValue): \(error.message))" }
                rows.append(("archive", text))
            }
        }
        if let error = job.error { rows.append(("error", errorText(error))) }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }

    static func errorText(_ error: Components.Schemas.JobError) -> String {
        var text = "\(error.code): \(error.message)"
        if let code = error.providerCode { text += " (provider code \(code)" + (error.providerMessage.map { ": \($0)" } ?? "") + ")" }
        return text
    }

    /// `seedgate jobs list`: a table, newest first.
    static func table(_ jobs: [Job]) -> String {
        let header = ["ID", "STATUS", "MODEL", "PROVIDER", "CREATED"]
        let rows = jobs.map { [$0.id, $0.status.rawValue, $0.model, $0.provider ?? "-", date($0.createdAt)] }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// One line: what a job is doing now (submit's progress).
    static func progress(_ job: Job, elapsed: Duration) -> String {
        var line = "\(job.id)  \(job.status.rawValue)  \(Int(elapsed.components.seconds))s"
        if let provider = job.provider { line += "  provider=\(provider)" }
        if let upstream = job.upstream?.status { line += "  upstream=\(upstream)" }
        if let position = job.queuePosition { line += "  queue=\(position)" }
        if job.status == .succeeded, let archive = job.output?.archive { line += "  archive=\(archive.state.rawValue)" }
        return line
    }

    static func isTerminal(_ status: Components.Schemas.JobStatus) -> Bool {
        switch status {
        case .succeeded, .failed, .cancelled, .expired: true
        case .queued, .running: false
        }
    }
}

/// Standard error, for progress and notes (standard output carries only the result, so `--json` output parses).
enum StandardError {
    static func line(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    static var isTerminal: Bool { isatty(2) == 1 }
}
