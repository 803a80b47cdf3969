import Foundation
import Testing

@testable import SeedGateRuntime

/// One reference request from Fixtures/sigv4-vectors.json, every expected value computed by botocore
/// (regenerate with `.venv-s3/bin/python scripts/sigv4_vectors.py`).
struct SigV4Vector: Decodable, Sendable, CustomTestStringConvertible {
    struct Expected: Decodable, Sendable {
        let canonicalRequest: String?
        let stringToSign: String?
        let signedHeaders: String?
        let signature: String
        let authorization: String?
        let query: String?
    }

    let name: String
    let style: String
    let service: String
    let region: String
    let accessKeyId: String
    let secretAccessKey: String
    let sessionToken: String?
    let date: String
    let unixTime: Int
    let method: String
    let path: String
    let query: [[String]]
    let headers: [[String]]
    let bodyBase64: String?
    let payload: String?
    let sendsContentHash: Bool?
    let expires: Int?
    let expected: Expected

    var testDescription: String { name }

    var credentials: S3Credentials {
        S3Credentials(accessKeyID: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
    }

    var signer: SigV4Signer {
        SigV4Signer(credentials: credentials, region: region, service: service, sendsContentHash: sendsContentHash ?? true)
    }

    var request: SigV4Signer.Request {
        SigV4Signer.Request(
            method: method, path: path, query: query.map { ($0[0], $0[1]) }, headers: headers.map { ($0[0], $0[1]) },
            payload: payload == SigV4Signer.unsignedPayload ? .unsigned : .sha256(payload ?? SigV4Signer.emptyPayloadHash))
    }

    var when: Date { Date(timeIntervalSince1970: TimeInterval(unixTime)) }

    static let all: [SigV4Vector] = {
        guard let url = Bundle.module.url(forResource: "sigv4-vectors", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url)
        else { return [] }
        struct File: Decodable { let vectors: [SigV4Vector] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (try? decoder.decode(File.self, from: data))?.vectors ?? []
    }()

    static var headerSigned: [SigV4Vector] { all.filter { $0.style == "header" } }
    static var presigned: [SigV4Vector] { all.filter { $0.style == "query" } }
}

@Suite struct SigV4SignerTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let token = "FQoGZXIvYXdzEXAMPLEsessionTOKEN//+=="

    @Test func vectorFileLoadsEveryKind() throws {
        let names = Set(SigV4Vector.all.map(\.name))
        #expect(SigV4Vector.all.count >= 15, "Fixtures/sigv4-vectors.json is missing or incomplete")
        for required in [
            "aws-suite-get-vanilla", "aws-s3-docs-get-object-range", "list-with-query-needing-encoding", "put-with-body-hash",
            "put-unsigned-payload", "key-with-space-unicode-plus-tilde", "session-token", "virtual-hosted-range", "presigned-get",
            "boto3-get-object-range-virtual", "boto3-put-object-path-session-token",
        ] {
            #expect(names.contains(required), "vector \(required)")
        }
    }

    /// botocore's answers agree with the values AWS publishes for its two examples (so the generator itself is right).
    @Test func generatedVectorsAgreeWithPublishedExamples() throws {
        let vanilla = try #require(SigV4Vector.all.first { $0.name == "aws-suite-get-vanilla" })
        #expect(vanilla.expected.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        let docs = try #require(SigV4Vector.all.first { $0.name == "aws-s3-docs-get-object-range" })
        #expect(docs.expected.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test(arguments: SigV4Vector.headerSigned)
    func headerSignatureMatchesBotocore(_ vector: SigV4Vector) throws {
        let signed = vector.signer.sign(vector.request, date: vector.when)
        if let canonical = vector.expected.canonicalRequest {
            #expect(signed.canonicalRequest == canonical)
            #expect(SigV4Signer.hexSHA256(Array(signed.canonicalRequest.utf8)) == SigV4Signer.hexSHA256(Array(canonical.utf8)))
        }
        if let stringToSign = vector.expected.stringToSign { #expect(signed.stringToSign == stringToSign) }
        if let signedHeaders = vector.expected.signedHeaders { #expect(signed.signedHeaders == signedHeaders) }
        #expect(signed.signature == vector.expected.signature)
        #expect(signed.authorization == vector.expected.authorization)
        #expect(signed.headers.first { $0.0 == "x-amz-date" }?.1 == vector.date)
        if vector.sessionToken != nil { #expect(signed.headers.contains { $0.0 == "x-amz-security-token" && $0.1 == vector.sessionToken }) }
    }

    /// The payload hash botocore signed is the SHA-256 `Payload.hashing` computes over the same body.
    @Test(arguments: SigV4Vector.headerSigned.filter { $0.payload != SigV4Signer.unsignedPayload })
    func payloadHashMatchesBotocore(_ vector: SigV4Vector) throws {
        let body = try #require(Data(base64Encoded: vector.bodyBase64 ?? ""))
        #expect(SigV4Signer.Payload.hashing(body).value == vector.payload)
    }

    @Test(arguments: SigV4Vector.presigned)
    func presignedQueryMatchesBotocore(_ vector: SigV4Vector) throws {
        let query = vector.signer.presignedQuery(vector.request, expires: try #require(vector.expires), date: vector.when)
        let expected = try #require(vector.expected.query)
        func pairs(_ query: String) -> [String: String] {
            Dictionary(
                uniqueKeysWithValues: query.split(separator: "&").map { pair in
                    let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
                })
        }
        #expect(pairs(query) == pairs(expected))
        #expect(query.hasSuffix("&X-Amz-Signature=" + vector.expected.signature))
    }

    @Test func secretNeverAppearsInDescriptions() {
        let credentials = S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.secret, sessionToken: Self.token)
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1")
        let signature = signer.sign(
            SigV4Signer.Request(method: "GET", path: "/b/k", headers: [("host", "example.com")], payload: .empty), date: Date())
        var dumped = ""
        dump(credentials, to: &dumped)
        dump(signer, to: &dumped)
        let texts = [
            String(describing: credentials), String(reflecting: credentials), "\(credentials)", String(describing: signer),
            String(reflecting: signer), "\(signer)", String(describing: signature), dumped,
        ]
        for text in texts {
            #expect(!text.contains(Self.secret), "\(text)")
            #expect(!text.contains(Self.token), "\(text)")
            #expect(!text.contains(signature.signature), "\(text)")
        }
        #expect(String(describing: credentials).contains("AKIDEXAMPLE"))
        #expect(String(describing: signer).contains("redacted"))
    }

    @Test func uriEncodingFollowsRFC3986() {
        #expect(SigV4Signer.uriEncode("AZaz09-._~") == "AZaz09-._~")
        #expect(SigV4Signer.uriEncode("a b+c/d*é") == "a%20b%2Bc%2Fd%2A%C3%A9")
        #expect(SigV4Signer.uriEncode("a b/c", keepSlash: true) == "a%20b/c")
        #expect(SigV4Signer.canonicalURI("") == "/")
        #expect(SigV4Signer.canonicalURI("/a//./b/../c%") == "/a//./b/../c%25", "S3 paths are encoded once and never normalised")
    }

    @Test func queryIsSortedByEncodedKeyThenValue() {
        let query = SigV4Signer.canonicalQuery([("b", "2"), ("a", "z"), ("a", "y"), ("B", ""), ("a b", "+")])
        #expect(query == "B=&a=y&a=z&a%20b=%2B&b=2")
    }

    @Test func headerValuesAreTrimmedAndCollapsed() {
        let headers = SigV4Signer.canonicalHeaders([("X-Amz-Meta-A", "  one   two\t three "), ("host", "h"), ("x-amz-meta-a", "second")])
        #expect(headers.block == "host:h\nx-amz-meta-a:one two three,second")
        #expect(headers.signed == "host;x-amz-meta-a")
    }

    @Test func timestampIsUTCAndTruncatedToSeconds() {
        #expect(SigV4Timestamp(Date(timeIntervalSince1970: 1_714_564_800.999)).basic == "20240501T120000Z")
        #expect(SigV4Timestamp(Date(timeIntervalSince1970: 1_714_564_799)).basic == "20240501T115959Z")
        #expect(SigV4Timestamp(Date(timeIntervalSince1970: 0)).day == "19700101")
        #expect(SigV4Timestamp(Date(timeIntervalSince1970: 951_782_400)).basic == "20000229T000000Z")
    }

    @Test func unsignedPayloadIsSentAndSigned() {
        let signer = SigV4Signer(credentials: S3Credentials(accessKeyID: "AKID", secretAccessKey: Self.secret), region: "eu-west-1")
        let signed = signer.sign(
            SigV4Signer.Request(method: "PUT", path: "/b/k", headers: [("host", "s3.example")], payload: .unsigned), date: Date())
        #expect(signed.headers.contains { $0 == ("x-amz-content-sha256", "UNSIGNED-PAYLOAD") })
        #expect(signed.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD"))
        #expect(signed.signedHeaders == "host;x-amz-content-sha256;x-amz-date")
        #expect(!signed.headers.contains { $0.0 == "x-amz-security-token" })
    }

    @Test func aChangedSecretChangesTheSignature() {
        let request = SigV4Signer.Request(method: "GET", path: "/b/k", headers: [("host", "s3.example")], payload: .empty)
        let date = Date(timeIntervalSince1970: 1_714_564_800)
        let one = SigV4Signer(credentials: S3Credentials(accessKeyID: "AKID", secretAccessKey: Self.secret), region: "eu-west-1")
        let other = SigV4Signer(credentials: S3Credentials(accessKeyID: "AKID", secretAccessKey: Self.secret + "x"), region: "eu-west-1")
        #expect(one.sign(request, date: date).signature != other.sign(request, date: date).signature)
        #expect(one.sign(request, date: date).signature == one.sign(request, date: date).signature)
    }
}
