import Foundation
import Hummingbird
import NIOCore
import SeedGateCore

/// The one piece of code that injects the faults of a `FaultPlan` into an emulator's creates and status reads.
/// Every emulator installs it on its provider API, inside its gatekeeper (so only authenticated requests take
/// faults and the provider's headers still apply), with its `EmulatorFaultDialect`:
///
/// - create: counts the attempt; a due rejection answers the dialect's rate-limit or internal error without
///   calling the handler; while references are recorded, the body's `[[ref:…]]` is noted against the task the
///   handler made (`TaskReferences`); once the handler made a task, a due delay and drop are served around its answer.
/// - status read: a due delay is waited first; a due 500 answers the dialect's internal error (counted as a
///   read); otherwise the handler answers and, if it served tasks, a due malformed body or status word is
///   written into that answer.
struct EmulatorFaultInjection<Spec: Sendable, Dialect: EmulatorFaultDialect>: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let book: EmulatedTaskBook<Spec>
    let dialect: Dialect

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let operation = dialect.operation(of: request)
        if let operation { book.traceHeaders.record(operation, traceParent: request.headers[.traceParent]) }
        return switch operation {
        case .create?: try await create(request, context: context, next: next)
        case .statusRead?: try await read(request, context: context, next: next)
        case nil: try await next(request, context)
        }
    }

    private func create(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        await book.recordCreateAttempt()
        switch await book.faults.takeCreateRejection() {
        case .rateLimited: return dialect.rateLimited(context)
        case .serverError: return dialect.internalError(context)
        case nil: break
        }
        var request = request
        let reference = try await book.references.reference(reading: &request)
        let witness = FaultWitness()
        let response: Response
        do {
            response = try await FaultWitness.$current.withValue(witness) { [request] in try await next(request, context) }
        } catch {
            // A handler may make the task and then throw its provider's error (ModelVerse's `[[created:504]]`).
            await noteReference(reference, of: witness)
            throw error
        }
        await noteReference(reference, of: witness)
        guard witness.createdTask else { return response }
        return try await book.faults.takeCreateAnswerFaults().apply(to: response, context: context)
    }

    /// Records the reference of the task the create made (`TaskReferences`), before any answer fault is served.
    private func noteReference(_ reference: String?, of witness: FaultWitness) async {
        guard let reference, let id = witness.createdTaskID else { return }
        await book.references.record(taskID: id, reference: reference)
    }

    private func read(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let faults = await book.faults.takeReadFaults()
        try await faults.wait()
        if faults.failure == .serverError {
            await book.recordStatusRead()
            return dialect.internalError(context)
        }
        let witness = FaultWitness()
        var response = try await FaultWitness.$current.withValue(witness) { try await next(request, context) }
        guard witness.servedTasks, faults.failure == .malformed || faults.statusOverride != nil else { return response }
        let body = try await Self.collect(response.body)
        let rewritten: Data
        if faults.failure == .malformed {
            rewritten = ReadFaults.malformed(body)
        } else if let word = faults.statusOverride, var answer = JSONValue(data: body) {
            await dialect.overrideStatus(word, in: &answer)
            rewritten = answer.data()
        } else {
            rewritten = body
        }
        response.body = ResponseBody(byteBuffer: ByteBuffer(bytes: rewritten))
        return response
    }

    /// The whole body of an answer the handler built (emulator answers are small JSON documents).
    private static func collect(_ body: ResponseBody) async throws -> Data {
        let collector = BodyCollector()
        try await body.write(collector)
        return Data(collector.buffer.readableBytesView)
    }
}

/// Gathers what a `ResponseBody` writes.
private final class BodyCollector: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        self.buffer.writeBuffer(&buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
