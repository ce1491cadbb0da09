/// The execution settings of a correlation: the algorithm and the number of threads.
///
/// These settings change how values are computed, not which values. Results differ between
/// algorithms by float rounding only, and are bit-identical for every thread count.
public struct ExecutionOptions: Equatable, Sendable {
  /// The algorithm, or `nil` to choose one per kernel (see `ConvolutionAlgorithm`).
  public var algorithm: ConvolutionAlgorithm?

  /// The number of threads, or `nil` for as many as Dispatch runs at once (one per active
  /// processor core).
  public var threadCount: Int?

  /// Creates execution settings; the defaults choose the algorithm and use every core.
  ///
  /// - Precondition: `threadCount` is `nil` or at least 1.
  public init(algorithm: ConvolutionAlgorithm? = nil, threadCount: Int? = nil) {
    precondition(threadCount.map { $0 >= 1 } ?? true, "thread count must be at least 1, got \(threadCount!)")
    self.algorithm = algorithm
    self.threadCount = threadCount
  }

  /// The algorithm chosen per kernel, on every core.
  public static let automatic = ExecutionOptions()
}
