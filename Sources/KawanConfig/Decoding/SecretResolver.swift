import Foundation

/// Turns a secret reference (`env:NAME` or `file:PATH`) into a `Secret`.
///
/// Secrets never sit inline in configuration files, which are copied,
/// diffed and pasted into tickets. A relative `file:` path is looked up
/// first in `$CREDENTIALS_DIRECTORY`, where systemd's `LoadCredential=`
/// places credentials readable only by the service, then in the
/// configuration directory.
struct SecretResolver: Sendable {
    /// Why a reference cannot be resolved; the message is shown verbatim.
    struct Failure: Error, Sendable {
        let message: String
    }

    let configurationDirectory: String
    let environment: [String: String]

    func resolve(_ reference: String) throws(Failure) -> Secret {
        if reference.hasPrefix("env:") {
            return try resolveEnvironment(String(reference.dropFirst(4)))
        }
        if reference.hasPrefix("file:") {
            return try resolveFile(String(reference.dropFirst(5)))
        }
        throw Failure(message: "secrets must be env:NAME or file:PATH, not inline")
    }

    private func resolveEnvironment(_ name: String) throws(Failure) -> Secret {
        guard SecretResolver.isVariableName(name) else {
            throw Failure(message: "\"\(name)\" is not a valid environment variable name")
        }
        guard let value = environment[name] else {
            throw Failure(message: "environment variable \(name) is not set")
        }
        guard !value.isEmpty else {
            throw Failure(message: "environment variable \(name) is empty")
        }
        return Secret(value)
    }

    private func resolveFile(_ path: String) throws(Failure) -> Secret {
        guard !path.isEmpty else { throw Failure(message: "file: needs a path") }
        var candidates: [String] = []
        let credentialsDirectory = environment["CREDENTIALS_DIRECTORY"] ?? ""
        if path.hasPrefix("/") {
            candidates = [path]
        } else {
            if !credentialsDirectory.isEmpty {
                candidates.append(credentialsDirectory + "/" + path)
            }
            candidates.append(configurationDirectory + "/" + path)
        }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            if candidates.count > 1 {
                throw Failure(message: "secret file \"\(path)\" not found in CREDENTIALS_DIRECTORY or the configuration directory")
            }
            throw Failure(message: "secret file \"\(path)\" not found")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: found, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: found) else {
            throw Failure(message: "secret file \"\(path)\" cannot be read")
        }
        var bytes = Array(data)
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
            bytes.removeLast()
        }
        guard !bytes.isEmpty else { throw Failure(message: "secret file \"\(path)\" is empty") }
        return Secret(bytes: bytes)
    }

    /// POSIX shell variable names: a letter or underscore, then letters, digits, underscores.
    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}

extension Field {
    /// A secret reference, resolved; inline values and unresolvable
    /// references are logged at this key.
    func secret(_ resolver: SecretResolver, _ log: inout ProblemLog) -> Secret? {
        guard let reference = string(&log) else { return nil }
        do {
            return try resolver.resolve(reference)
        } catch {
            log.add(path, line: line, error.message)
            return nil
        }
    }
}
