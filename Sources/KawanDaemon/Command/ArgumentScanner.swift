/// A command-line mistake: printed with the command's usage hint, exit 2.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Hand-written option parsing (the project takes no ArgumentParser
/// dependency): `--name value`, `--name=value`, boolean `--flag`, and
/// positionals; `--` ends options.
struct ParsedArguments: Equatable {
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []
    var wantsHelp = false
}

enum ArgumentScanner {
    static func scan(_ arguments: [String], command: String, valueOptions: Set<String>, flagOptions: Set<String> = [],
                     positionals: ClosedRange<Int> = 0...0) throws(UsageError) -> ParsedArguments {
        var result = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if !optionsEnded && (argument == "--help" || argument == "-h") {
                result.wantsHelp = true
                continue
            }
            if !optionsEnded && argument == "--" {
                optionsEnded = true
                continue
            }
            if !optionsEnded && argument.hasPrefix("-") && argument != "-" {
                var name = argument
                var inlineValue: String?
                if let equals = argument.firstIndex(of: "=") {
                    name = String(argument[..<equals])
                    inlineValue = String(argument[argument.index(after: equals)...])
                }
                if valueOptions.contains(name) {
                    let value: String
                    if let inlineValue {
                        value = inlineValue
                    } else {
                        guard index < arguments.count else { throw UsageError("\(command): option \(name) needs a value") }
                        value = arguments[index]
                        index += 1
                    }
                    guard !value.isEmpty else { throw UsageError("\(command): option \(name) needs a non-empty value") }
                    guard result.values[name] == nil else { throw UsageError("\(command): option \(name) given more than once") }
                    result.values[name] = value
                } else if flagOptions.contains(name) {
                    guard inlineValue == nil else { throw UsageError("\(command): option \(name) takes no value") }
                    result.flags.insert(name)
                } else {
                    throw UsageError("\(command): unknown option '\(name)'")
                }
                continue
            }
            result.positionals.append(argument)
        }
        if !result.wantsHelp {
            if result.positionals.count > positionals.upperBound {
                let extra = result.positionals[positionals.upperBound]
                throw UsageError("\(command): unexpected argument '\(extra)'")
            }
            if result.positionals.count < positionals.lowerBound {
                throw UsageError("\(command): missing argument")
            }
        }
        return result
    }
}
