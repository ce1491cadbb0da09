/// The execution settings of a correlation: the algorithm, the number of threads, the kind
/// of stores that write the output and the vector instructions.
///
/// These settings change how values are computed, not which values. Results differ between
/// algorithms and between vector instructions by float rounding only, and are bit-identical
/// for every thread count and either kind of store.
public struct ExecutionOptions: Equatable, Sendable {
  /// The algorithm, or `nil` to choose one per kernel (see `ConvolutionAlgorithm`).
  public var algorithm: ConvolutionAlgorithm?

  /// The number of threads, or `nil` for as many as Dispatch runs at once (one per active
  /// processor core).
  public var threadCount: Int?

  /// Whether the output is written with stores that bypass the cache.
  public var cacheBypass: CacheBypass

  /// The instructions of the row sums: fused multiply-add where the processor has it, or
  /// the portable loop whose values are the same on every processor.
  public var vectorInstructions: VectorInstructions

  /// Creates execution settings. The defaults choose the algorithm, the stores and the
  /// instructions, and use every core.
  ///
  /// - Precondition: `threadCount` is `nil` or at least 1.
  public init(
    algorithm: ConvolutionAlgorithm? = nil, threadCount: Int? = nil,
    cacheBypass: CacheBypass = .automatic, vectorInstructions: VectorInstructions = .automatic
  ) {
    precondition(threadCount.map { $0 >= 1 } ?? true, "thread count must be at least 1, got \(threadCount!)")
    self.algorithm = algorithm
    self.threadCount = threadCount
    self.cacheBypass = cacheBypass
    self.vectorInstructions = vectorInstructions
  }

  /// The algorithm chosen per kernel, on every core.
  public static let automatic = ExecutionOptions()

  /// These settings with the algorithm left to choose, for a correlation with another
  /// kernel than the one `algorithm` was requested for.
  var choosingAlgorithm: ExecutionOptions {
    var copy = self
    copy.algorithm = nil
    return copy
  }
}

/// Whether a correlation writes its output with streaming stores, which bypass the cache.
///
/// A plain store first reads the cache line it writes from memory. Streaming stores skip
/// that read, so a filter that reads its input once and writes its output once moves a
/// third less data, and they leave the cache to the input. They pay off when the output is
/// too large to stay in the cache until it is read. An output that is read soon, as the
/// bands of `convkit filter` are, is faster with plain stores. The values are the same.
public enum CacheBypass: Equatable, Sendable {
  /// Streaming stores on x86-64 for outputs of `CacheBypass.automaticThreshold` bytes or
  /// more, plain stores otherwise.
  case automatic
  /// Streaming stores wherever the path has them (see `ConvolutionAlgorithm`).
  case always
  /// Plain stores.
  case never

  /// The output size in bytes from which `automatic` streams: 64 MiB, twice the L3 cache
  /// of the benchmark machine.
  public static let automaticThreshold = 64 << 20

  /// Returns whether an output of `count` floats is streamed.
  func streams(outputCount count: Int) -> Bool {
    switch self {
    case .always: true
    case .never: false
    case .automatic:
      #if arch(x86_64)
        count * MemoryLayout<Float>.size >= Self.automaticThreshold
      #else
        false
      #endif
    }
  }
}
