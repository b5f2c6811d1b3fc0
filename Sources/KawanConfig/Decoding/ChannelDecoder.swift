/// Reads one entry of a tenant's `channels`: an `id`, a `type`, and the
/// keys that type needs, with every secret resolved.
enum ChannelDecoder {
    private static let commonKeys = ["id", "type", "api_base_url", "rate_limit_per_second"]

    /// Keys each type accepts besides the common ones.
    static func keys(for type: ChannelType) -> [String] {
        switch type {
        case .twilio: ["account_sid", "auth_token", "from", "messaging_service_sid"]
        case .vonage: ["api_key", "api_secret", "signature_secret", "signature_method", "from"]
        case .line: ["channel_secret", "channel_access_token"]
        case .whatsapp: ["app_secret", "verify_token", "access_token", "phone_number_id"]
        case .messenger: ["app_secret", "verify_token", "page_access_token"]
        case .telegram: ["bot_token", "secret_token"]
        case .json: ["secret", "reply_url"]
        }
    }

    /// The channel, or nil after logging why not. Unknown keys are only
    /// reported when the type is known, since the type decides what is allowed.
    static func decode(_ field: Field, resolver: SecretResolver, _ log: inout ProblemLog) -> ChannelConfiguration? {
        let before = log.problems.count
        guard let object = field.object(allowedKeys: nil, &log) else { return nil }
        let id = object.required("id", &log)?.identifier(&log)
        guard let typeField = object.required("type", &log),
              let type = typeField.choice(ChannelType.self, noun: "channel type", &log) else { return nil }
        object.reportUnknownKeys(allowed: commonKeys + keys(for: type), &log)

        let apiBaseURL = object.optional("api_base_url")?.httpURL(isBase: true, &log)
        var rateLimit: Double?
        if let rateField = object.optional("rate_limit_per_second"), let rate = rateField.number(&log) {
            if rate > 0 {
                rateLimit = rate
            } else {
                log.add(rateField.path, line: rateField.line, "must be greater than 0, got \(Field.format(rate))")
            }
        }
        let settings = decodeSettings(type, object, resolver, &log)
        guard let id, let settings, !log.hasProblems(since: before) else { return nil }
        return ChannelConfiguration(id: id, settings: settings, apiBaseURL: apiBaseURL, rateLimitPerSecond: rateLimit)
    }

    private static func decodeSettings(_ type: ChannelType, _ object: ObjectField, _ resolver: SecretResolver,
                                       _ log: inout ProblemLog) -> ChannelSettings? {
        func text(_ key: String) -> String? { object.required(key, &log)?.nonEmptyString(&log) }
        func secret(_ key: String) -> Secret? { object.required(key, &log)?.secret(resolver, &log) }

        switch type {
        case .twilio:
            let accountSID = twilioAccountSID(object, &log)
            let authToken = secret("auth_token")
            let sender = twilioSender(object, &log)
            guard let accountSID, let authToken, let sender else { return nil }
            return .twilio(TwilioSettings(accountSID: accountSID, authToken: authToken, sender: sender))
        case .vonage:
            let apiKey = text("api_key")
            let apiSecret = secret("api_secret")
            let signatureSecret = secret("signature_secret")
            let method = object.required("signature_method", &log)?
                .choice(VonageSettings.SignatureMethod.self, noun: "signature method", &log)
            let from = text("from")
            guard let apiKey, let apiSecret, let signatureSecret, let method, let from else { return nil }
            return .vonage(VonageSettings(apiKey: apiKey, apiSecret: apiSecret, signatureSecret: signatureSecret,
                                          signatureMethod: method, from: from))
        case .line:
            let channelSecret = secret("channel_secret")
            let accessToken = secret("channel_access_token")
            guard let channelSecret, let accessToken else { return nil }
            return .line(LineSettings(channelSecret: channelSecret, channelAccessToken: accessToken))
        case .whatsapp:
            let appSecret = secret("app_secret")
            let verifyToken = secret("verify_token")
            let accessToken = secret("access_token")
            let phoneNumberID = text("phone_number_id")
            guard let appSecret, let verifyToken, let accessToken, let phoneNumberID else { return nil }
            return .whatsapp(WhatsAppSettings(appSecret: appSecret, verifyToken: verifyToken,
                                              accessToken: accessToken, phoneNumberID: phoneNumberID))
        case .messenger:
            let appSecret = secret("app_secret")
            let verifyToken = secret("verify_token")
            let pageAccessToken = secret("page_access_token")
            guard let appSecret, let verifyToken, let pageAccessToken else { return nil }
            return .messenger(MessengerSettings(appSecret: appSecret, verifyToken: verifyToken,
                                                pageAccessToken: pageAccessToken))
        case .telegram:
            let botToken = secret("bot_token")
            let secretToken = secret("secret_token")
            guard let botToken, let secretToken else { return nil }
            return .telegram(TelegramSettings(botToken: botToken, secretToken: secretToken))
        case .json:
            let channelSecret = secret("secret")
            let replyURLField = object.optional("reply_url")
            let replyURL = replyURLField?.httpURL(isBase: false, &log)
            guard let channelSecret, replyURLField == nil || replyURL != nil else { return nil }
            return .json(JSONChannelSettings(secret: channelSecret, replyURL: replyURL))
        }
    }

    private static func twilioAccountSID(_ object: ObjectField, _ log: inout ProblemLog) -> String? {
        guard let field = object.required("account_sid", &log), let sid = field.string(&log) else { return nil }
        guard sid.hasPrefix("AC"), sid.count > 2 else {
            log.add(field.path, line: field.line, "a Twilio account SID starts with \"AC\", got \"\(sid)\"")
            return nil
        }
        return sid
    }

    /// Exactly one of `from` and `messaging_service_sid`.
    private static func twilioSender(_ object: ObjectField, _ log: inout ProblemLog) -> TwilioSettings.Sender? {
        let from = object.optional("from")
        let service = object.optional("messaging_service_sid")
        switch (from, service) {
        case (let from?, nil):
            return from.nonEmptyString(&log).map { .phoneNumber($0) }
        case (nil, let service?):
            return service.nonEmptyString(&log).map { .messagingService(sid: $0) }
        case (_?, let service?):
            log.add(service.path, line: service.line, "give either \"from\" or \"messaging_service_sid\", not both")
            return nil
        case (nil, nil):
            log.add(object.path.key("from"), line: object.line, "missing required key (or give \"messaging_service_sid\")")
            return nil
        }
    }
}
