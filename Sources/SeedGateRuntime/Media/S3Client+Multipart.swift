import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SeedGateCore

/// Multipart upload: CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload. The object
/// appears only when the upload is completed; an aborted upload leaves nothing behind.
extension S3Client {
    /// One uploaded part, as CompleteMultipartUpload lists it.
    public struct CompletedPart: Sendable, Equatable {
        public let number: Int
        public let etag: String

        public init(number: Int, etag: String) {
            self.number = number
            self.etag = etag
        }
    }

    /// CreateMultipartUpload (`POST /key?uploads`): starts an upload and returns its id.
    public func createMultipartUpload(_ key: String, contentType: String) async throws -> String {
        let request = prepare(.POST, key: key, query: [("uploads", "")], headers: [("content-type", contentType)], payload: .empty)
        let response = try await expectSuccess(request, body: nil, operation: "CreateMultipartUpload", key: key)
        let document = try await xmlBody(response, operation: "CreateMultipartUpload", key: key)
        guard let id = S3XML.firstValue("UploadId", in: document), !id.isEmpty else {
            throw MediaStoreError(.failed, "S3 CreateMultipartUpload \(objectKey(key)): the answer has no UploadId")
        }
        return id
    }

    /// UploadPart (`PUT /key?partNumber=N&uploadId=…`) of one in-memory part, its SHA-256 signed. Returns the ETag.
    public func uploadPart(_ key: String, uploadID: String, number: Int, bytes: [UInt8]) async throws -> CompletedPart {
        let query = [("partNumber", String(number)), ("uploadId", uploadID)]
        let request = prepare(.PUT, key: key, query: query, payload: .hashing(bytes))
        let response = try await expectSuccess(request, body: .bytes(bytes), operation: "UploadPart \(number)", key: key)
        guard let etag = response.headers.first(name: "etag"), !etag.isEmpty else {
            throw MediaStoreError(.failed, "S3 UploadPart \(number) \(objectKey(key)): the answer has no ETag")
        }
        return CompletedPart(number: number, etag: etag)
    }

    /// CompleteMultipartUpload (`POST /key?uploadId=…`): the object appears, made of `parts` in order. S3 may
    /// answer 200 and still report an error in the body; that is an error here too.
    @discardableResult
    public func completeMultipartUpload(_ key: String, uploadID: String, parts: [CompletedPart]) async throws -> String? {
        let body = Array(Self.completeBody(parts).utf8)
        let request = prepare(
            .POST, key: key, query: [("uploadId", uploadID)], headers: [("content-type", "application/xml")], payload: .hashing(body))
        let response = try await expectSuccess(request, body: .bytes(body), operation: "CompleteMultipartUpload", key: key)
        let document = try await xmlBody(response, operation: "CompleteMultipartUpload", key: key)
        if S3XML.rootElement(document) == "Error" {
            throw S3Failure(status: Int(response.status.code), body: document, requestID: response.headers.first(name: "x-amz-request-id"))
                .error(operation: "CompleteMultipartUpload", key: objectKey(key), redacting: settings.credentials)
        }
        return S3XML.firstValue("ETag", in: document)
    }

    /// AbortMultipartUpload (`DELETE /key?uploadId=…`): discards the parts. An upload already gone is success.
    public func abortMultipartUpload(_ key: String, uploadID: String) async throws {
        let request = prepare(.DELETE, key: key, query: [("uploadId", uploadID)], payload: .empty)
        let response = try await send(request, body: nil, operation: "AbortMultipartUpload", key: key)
        if response.status.code / 100 == 2 { return }
        let failure = await S3Failure(response)
        if failure.code == "NoSuchUpload" { return }
        throw failure.error(operation: "AbortMultipartUpload", key: objectKey(key), redacting: settings.credentials)
    }

    /// The CompleteMultipartUpload document.
    static func completeBody(_ parts: [CompletedPart]) -> String {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts {
            xml += "<Part><ETag>\(S3XML.escape(part.etag))</ETag><PartNumber>\(part.number)</PartNumber></Part>"
        }
        return xml + "</CompleteMultipartUpload>"
    }
}
