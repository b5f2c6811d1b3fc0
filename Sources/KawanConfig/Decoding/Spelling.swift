/// "Did you mean" suggestions for misspelt keys and values: a typo such as
/// `auth_tokne` should point at the intended key, not only say it is unknown.
enum Spelling {
    /// The candidate closest to `word`, if any is close enough: within an
    /// edit distance of 2, and of a third of the longer word, so that two
    /// unrelated two-letter codes are not offered as each other's typo. Ties
    /// go to the earlier candidate so suggestions are stable.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(word, candidate)
            let limit = min(2, max(word.count, candidate.count) / 3)
            if distance <= limit, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// Edit distance over characters where inserting, deleting, replacing
    /// or swapping two adjacent characters costs 1 (optimal string
    /// alignment): `form` is one edit from `from`, as a typist would expect.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let left = Array(a)
        let right = Array(b)
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var beforePrevious = [Int](repeating: 0, count: right.count + 1)
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let cost = left[i - 1] == right[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, left[i - 1] == right[j - 2], left[i - 2] == right[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[right.count]
    }
}
