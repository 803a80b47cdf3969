import Foundation

/// Provider callbacks. Providers do not sign them, so a callback never changes a job by itself: it only makes the
/// poller verify the job with the provider at once. Duplicates and callbacks for finished jobs cost one lookup. For a
/// job whose create answer was lost or has not arrived yet, the callback names the task, which is adopted once a
/// status read confirms it (`JobService+Unconfirmed.swift`).
extension JobService {
    /// A random, unguessable token for one job's callback URL.
    public static func newCallbackToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Handles `POST /v1/callbacks/{provider}/{token}`: unknown tokens are not found; known ones wake the poller.
    public func receiveCallback(provider: ProviderID, token: String, body: Data) async throws {
        guard let job = try await store.job(callbackToken: token), job.provider == provider else {
            throw JobServiceError.notFound(.init(.callbackEndpoint, "no callback endpoint here"))
        }
        // A callback can outrun the create's answer, or outlive the process that sent the create (killed with the
        // call in flight): the task it names is confirmed and adopted then too, so it is never orphaned.
        if job.status == .queued, job.submission == .unconfirmed || job.submission == .submitting {
            try await confirmFromCallback(job, provider: provider, body: body)
            return
        }
        if job.status.isTerminal { reportLateOrphan(job, provider: provider, body: body) }
        if let adapter = providers[provider]?.adapter, let hint = try? adapter.decodeCallback(body) {
            logger.debug(
                "provider callback",
                metadata: [
                    "job.id": "\(job.id)", "provider": "\(provider)", "upstream.status": "\(hint.rawStatus)",
                ])
        }
        try await requestCheck(job)
    }
}
