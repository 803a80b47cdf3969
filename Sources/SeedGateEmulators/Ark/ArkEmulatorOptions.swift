/// How an Ark-dialect emulator reads what the documents leave open, the account limits it imitates, and the test
/// hooks it offers. The defaults are the strict readings.
public struct ArkEmulatorOptions: Sendable {
    /// The other reading of "the parameter will either be ignored or trigger an error" ([S000 设置视频输出规格],
    /// [S001 Configure video output specifications]): a parameter the model or scenario does not take is ignored when
    /// it carries the value Ark would use anyway (`false`, the `default` tier). Off (the strict reading): any such
    /// parameter is refused with `InvalidParameter`.
    public var ignoreUnsupportedDefaults: Bool
    /// How many `queued` tasks the account may hold; one more create is refused with 429 `QuotaExceeded` "The request
    /// has exceeded the quota." ([REF-ERR]: 当前账号处于排队中状态的任务数已超过限制). Nil: no limit (Ark does not publish
    /// the number; EMULATOR ASSUMPTION).
    public var maxQueuedTasks: Int?
    /// Models whose free trial quota is used up: a create is refused with 429 `QuotaExceeded` "Your account [%s] has
    /// exhausted its free trial quota for the [%s] model." ([REF-ERR]).
    public var exhaustedTrialModels: Set<String>
    /// Called with the task id when a `DELETE` arrives, before the emulator looks at the task: a test can let the
    /// task finish there, to put a cancel in the race Ark's API leaves open.
    public var beforeDelete: (@Sendable (String) async -> Void)?
    /// The other reading of `service_tier` on Seedance 2.x: "only `default`" (seedance-2.md §3) against "不支持配置该参数"
    /// (the parameter cannot be set) and a third-party report of HTTP 400 for any tier on 2.0 fast. On: `default` is
    /// accepted (`flex` never is). Off (EMULATOR ASSUMPTION seedance-2.md §3, the strict reading): any `service_tier` is refused.
    /// `ignoreUnsupportedDefaults` also accepts `default`.
    public var seedance2AcceptsDefaultServiceTier: Bool

    public init(
        ignoreUnsupportedDefaults: Bool = false, maxQueuedTasks: Int? = nil, exhaustedTrialModels: Set<String> = [],
        beforeDelete: (@Sendable (String) async -> Void)? = nil, seedance2AcceptsDefaultServiceTier: Bool = false
    ) {
        self.ignoreUnsupportedDefaults = ignoreUnsupportedDefaults
        self.maxQueuedTasks = maxQueuedTasks
        self.exhaustedTrialModels = exhaustedTrialModels
        self.beforeDelete = beforeDelete
        self.seedance2AcceptsDefaultServiceTier = seedance2AcceptsDefaultServiceTier
    }
}
