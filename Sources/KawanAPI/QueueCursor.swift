import Foundation

/// Where a page of the queue ended: the last escalation's position in
/// queue order (priority rank, creation time, id). The next page starts
/// strictly after it, so escalations created meanwhile never shift pages
/// (no repeats, no gaps among those already listed). Opaque to clients:
/// base64url of `q1:<rank>:<created_at>:<id>`.
struct QueueCursor: Equatable {
    let priorityRank: Int64
    let createdAt: Int64
    let id: Int64

    var encoded: String {
        Data("q1:\(priorityRank):\(createdAt):\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(priorityRank: Int64, createdAt: Int64, id: Int64) {
        self.priorityRank = priorityRank
        self.createdAt = createdAt
        self.id = id
    }

    init?(encoded: String) {
        guard encoded.count <= 100 else { return nil }
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "q1", let rank = Int64(parts[1]), let created = Int64(parts[2]),
              let id = Int64(parts[3]) else { return nil }
        self.init(priorityRank: rank, createdAt: created, id: id)
    }
}
