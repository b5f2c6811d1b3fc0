import Foundation
import KawanCrypto

/// A new caseworker access token, as `kawan token` prints it.
///
/// 256 bits from OpenSSL's CSPRNG, base64url without padding, prefixed
/// `kwn_` so a leaked token is recognisable (and greppable by secret
/// scanners). Only `sha256Hex` goes into configuration.
public struct CaseworkerToken: Sendable {
    public static let prefix = "kwn_"

    /// Given to the caseworker once, never stored by Kawan.
    public let token: String
    /// SHA-256 of the token's UTF-8 bytes, lower-case hex.
    public let sha256Hex: String

    public static func generate() -> CaseworkerToken {
        let encoded = Data(Digest.randomBytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let token = prefix + encoded
        return CaseworkerToken(token: token, sha256Hex: digestHex(of: token))
    }

    /// The value for `token_sha256` that matches `token`.
    public static func digestHex(of token: String) -> String {
        Hex.encode(Digest.sha256(token))
    }

    /// The line to paste into a caseworker entry of a tenant file.
    public var configurationLine: String { "\"token_sha256\": \"\(sha256Hex)\"" }
}
