/// Bounds on the parts of a request that no provider constrains more tightly. Every string is bounded.
public enum RequestLimits {
    public static let promptCharacters = 4_000
    /// Images, reference videos and reference audio clips one request may carry (Seedance 2.5 takes 30 / 10 / 10;
    /// each model's own, smaller limits are in its offering).
    public static let maxImages = 30
    public static let maxVideos = 10
    public static let maxAudios = 10
    /// Inline data (data: URLs, images and audio) one request may carry in all: Ark caps a whole request body at 64 MB.
    public static let inlineDataBytes = 60 * 1024 * 1024
    /// `priority` (Seedance 2.x: higher runs earlier among the account's queued tasks).
    public static let priority = 0...9
    public static let safetyIdentifierCharacters = 64
    /// The longest reference clip any model takes, in seconds (2.5: 30 s).
    public static let mediaSeconds = 60.0
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
    /// SeedGate lets through: all the inline data it allows, plus room for the rest. A batch answer above this is
    /// read again task by task.
    public static let largestProviderAnswer = inlineDataBytes + 4 * 1024 * 1024
}
