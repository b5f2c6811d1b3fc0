import Foundation

/// The OpenAPI 3.1 document kept in the repository
/// (`Sources/KawanAPI/openapi.json`), served byte for byte.
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else { return Array(#"{"error":{"code":"missing","message":"openapi.json is not installed"}}"#.utf8) }
        return Array(data)
    }()
}
