import Foundation

/// One event on its way to one webhook endpoint. Written in the same store transaction as the state change that
/// raised the event (the outbox), then attempted until delivered or, after the retry window, dead-lettered.
public struct WebhookDelivery: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        case pending
        case delivered
        /// Given up after the retry window; kept for inspection.
        case dead
    }

    public var id: String
    public var eventID: String
    public var jobID: JobID
    public var eventType: String
    public var url: String
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastAttemptAt: Date?
    public var lastResponseStatus: Int?
    public var lastError: String?
    public var createdAt: Date
    public var deliveredAt: Date?

    public init(id: String, event: JobEvent, url: String) {
        self.id = id
        self.eventID = event.id
        self.jobID = event.jobID
        self.eventType = event.type
        self.url = url
        self.status = .pending
        self.attempts = 0
        self.nextAttemptAt = event.at
        self.lastAttemptAt = nil
        self.lastResponseStatus = nil
        self.lastError = nil
        self.createdAt = event.at
        self.deliveredAt = nil
    }
}

/// A delivery claimed for an attempt, with the event it carries.
public struct ClaimedDelivery: Sendable, Equatable {
    public var delivery: WebhookDelivery
    public var event: JobEvent

    public init(delivery: WebhookDelivery, event: JobEvent) {
        self.delivery = delivery
        self.event = event
    }
}

/// What one delivery attempt came to.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered(responseStatus: Int)
    /// Failed; try again at `retryAt`, or never (dead-letter) when nil.
    case failed(responseStatus: Int?, error: String, retryAt: Date?)
}
