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
}
