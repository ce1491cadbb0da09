/// Finds the closest known word to a misspelt one, for "did you mean" hints.
public enum Suggestion {
  /// Returns the candidate with the smallest edit distance to `word`, if that distance is at
  /// most a third of the word's length (at least 2), so unrelated words get no suggestion.
  /// A candidate that differs only in dashes (`sobelx` for `sobel-x`) wins outright.
  public static func closest(to word: String, among candidates: [String]) -> String? {
    let undashed = word.filter { $0 != "-" && $0 != "_" }
    if let match = candidates.first(where: { $0.filter { $0 != "-" } == undashed }) {
      return match
    }
    let limit = max(2, word.count / 3)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
      let distance = editDistance(word, candidate)
      if distance <= limit, distance < (best?.distance ?? Int.max) {
        best = (candidate, distance)
      }
    }
    return best?.candidate
  }

  /// Returns the Levenshtein distance: the fewest single-character insertions, deletions
  /// and substitutions that turn `a` into `b`.
  public static func editDistance(_ a: String, _ b: String) -> Int {
    let source = Array(a)
    let target = Array(b)
    var previous = Array(0...target.count)
    var current = previous

    for i in 1...max(source.count, 1) where !source.isEmpty {
      current[0] = i
      for j in stride(from: 1, through: target.count, by: 1) {
        let substitution = previous[j - 1] + (source[i - 1] == target[j - 1] ? 0 : 1)
        current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
      }
      swap(&previous, &current)
    }
    return source.isEmpty ? target.count : previous[target.count]
  }
}
