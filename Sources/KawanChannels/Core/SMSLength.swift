/// How long a text is as an SMS: GSM-7 when every character is in the GSM
/// 03.38 default alphabet or its extension table (which costs two septets
/// per character), otherwise UCS-2 counted in UTF-16 code units (3GPP TS
/// 23.038 §6.2.1; 3GPP TS 23.040 for the concatenation header, which leaves
/// 153 septets or 67 UCS-2 characters per segment of a long message).
public struct SMSLength: Sendable, Equatable {
    public enum Encoding: String, Sendable {
        case gsm7
        case ucs2
    }

    public let encoding: Encoding
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    public let units: Int

    public init(_ text: String) {
        var septets = 0
        var gsm = true
        for scalar in text.unicodeScalars {
            if SMSLength.basic.contains(scalar) {
                septets += 1
            } else if SMSLength.extended.contains(scalar) {
                septets += 2
            } else {
                gsm = false
                break
            }
        }
        if gsm {
            encoding = .gsm7
            units = septets
        } else {
            encoding = .ucs2
            units = text.utf16.count
        }
    }

    /// Segments the carrier bills: one up to 160 septets / 70 UCS-2 units,
    /// else 153 / 67 per segment.
    public var segments: Int {
        let (single, multi) = encoding == .gsm7 ? (160, 153) : (70, 67)
        if units <= single { return units == 0 ? 0 : 1 }
        return (units + multi - 1) / multi
    }

    /// The most units that fit in `segments` segments.
    public static func capacity(_ encoding: Encoding, segments: Int) -> Int {
        let (single, multi) = encoding == .gsm7 ? (160, 153) : (70, 67)
        return segments <= 1 ? single : multi * segments
    }

    static let basic: Set<Unicode.Scalar> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
            .unicodeScalars)
    static let extended: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)
}
