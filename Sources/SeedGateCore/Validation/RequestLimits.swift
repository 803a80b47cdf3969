/// Bounds on the parts of a request that no provider constrains more tightly. Every string is bounded.
public enum RequestLimits {
    public static let promptCharacters = 4_000
    public static let maxImages = 4
    public static let urlCharacters = 4_096
    public static let dataURLBytes = 15 * 1024 * 1024
    public static let metadataPairs = 16
    public static let metadataKeyCharacters = 64
    public static let metadataValueCharacters = 512
    public static let expiresAfter = 3_600...259_200
    public static let defaultExpiresAfter = 172_800
    public static let frames = 29...289
    public static let modelCharacters = 128
    public static let providerCharacters = 64
    public static let idempotencyKeyCharacters = 255
    /// The largest provider answer SeedGate reads. Some providers echo the whole request in every task record
    /// (AceData does, data: URL images included), so one task's answer can be as large as the largest request
    /// SeedGate lets through: every image an inline data: URL at its limit, plus room for the rest. A batch answer
    /// above this is read again task by task.
    public static let largestProviderAnswer = maxImages * dataURLBytes + 4 * 1024 * 1024
}
