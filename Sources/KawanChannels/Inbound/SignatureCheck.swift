import Foundation
import KawanConfig
import KawanCrypto

/// Compares what a webhook presents with what Kawan computed, in constant
/// time (OpenSSL's `CRYPTO_memcmp` through `Digest.constantTimeEqual`), so
/// response timing reveals nothing about the expected value.
enum SignatureCheck {
    /// A base64 signature header (Twilio, LINE) against the computed MAC.
    static func base64(_ presented: String?, matches expected: [UInt8]) -> Result<Void, VerificationFailure> {
        guard let presented, !presented.isEmpty else { return .failure(.missingSignature) }
        guard let decoded = Data(base64Encoded: String(presented.trimmedSpacesAndTabs)) else {
            return .failure(.badSignature)
        }
        return Digest.constantTimeEqual(Array(decoded), expected) ? .success(()) : .failure(.badSignature)
    }

    /// A hexadecimal signature, in either case, after an optional prefix such
    /// as Meta's `sha256=`.
    static func hex(_ presented: String?, prefix: String = "", matches expected: [UInt8]) -> Result<Void, VerificationFailure> {
        guard let presented, !presented.isEmpty else { return .failure(.missingSignature) }
        guard presented.hasPrefix(prefix), let decoded = Hex.decode(String(presented.dropFirst(prefix.count))) else {
            return .failure(.badSignature)
        }
        return Digest.constantTimeEqual(decoded, expected) ? .success(()) : .failure(.badSignature)
    }

    /// A shared secret sent as is (Telegram's secret token, Meta's verify
    /// token). Both sides are hashed first so the comparison takes the same
    /// time whatever the presented value's length.
    static func token(_ presented: String, equals secret: Secret) -> Bool {
        Digest.constantTimeEqual(Digest.sha256(Array(presented.utf8)), Digest.sha256(secret.bytes))
    }
}
