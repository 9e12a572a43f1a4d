/// DIPEngine: the neural engine of dip (Deep Image Prior on the CPU).
///
/// What it holds and why it is shaped this way:
/// - `DIPFitter` is the public entry point: it fits DIP's "skip" encoder-decoder (`SkipNetConfig`,
///   presets from DIP-REFERENCE's table) to one image through a `DataTerm` (MSE, masked MSE, or the
///   Lanczos2-downsampled MSE of super-resolution) with Adam, one allocation-free `step()` at a time.
/// - Layers are explicit forward/backward pairs on NCHW float32 (batch ≥ 1), in the style of llm.c:
///   `Conv2D` (column matrices tiled over output rows + OpenBLAS sgemm: padded-row matrices for
///   stride-1 k×k, im2col for stride 2, none for 1×1, hand-written loops for few-channel 1×1),
///   `BatchNorm` (batch statistics, fused with LeakyReLU), `Upsample2x` (nearest / bilinear with
///   PyTorch's align_corners=False), `Activations` (LeakyReLU, sigmoid), `LossEvaluator` and the
///   fixed `Lanczos2Kernel`. Channel concatenation costs nothing: producers write straight into
///   channel slices of the concat buffer (`TensorView.slice`), and gradients are read from slices.
/// - `SkipNet` plans every buffer once per image size: parameters and gradients are two contiguous
///   buffers; activations, gradients and the im2col workspace are allocated in `init`.
/// - Determinism: all randomness comes from `SeededRandom` streams ("weights", "input",
///   per-step/per-chunk perturbation generators); every reduction is per channel (or per output
///   value) in a fixed order on one worker; OpenBLAS runs with a fixed thread count.
/// - Speed: OpenBLAS is dlopen'ed by Sources/COpenBLAS/blas_loader.c, which picks the AVX-512
///   "SkylakeX" kernels when the CPU has them (Debian's 0.3.21 would use Haswell's, and some
///   environments preset OPENBLAS_CORETYPE=Haswell) unless DIP_OPENBLAS_CORETYPE names a core, and makes idle OpenBLAS workers sleep instead of spinning against the
///   engine's own parallel loops (`Parallel`: one thread per core on a small C fork-join pool,
///   Sources/CParallel/dip_parallel.c, fixed chunking, no reductions across chunks). On CPUs with
///   AVX512_BF16 the stride-1 k×k convolutions multiply in bf16 with fp32 sums (`BF16`,
///   Sources/CBF16: twice the multiply-adds per instruction of fp32; DIP_PRECISION=fp32 turns it off).
/// - Allocation: `step()` allocates no buffers and touches no new pages (dip-bench reports page
///   faults per step: 0 here). What remains per step is tiny and outside the engine's buffers: one
///   32-byte closure box per parallel loop (Swift's `withoutActuallyEscaping`) and OpenBLAS's own
///   job buffer per threaded GEMM call.
/// - `dip-bench engine` measures it (per-step time, GFLOP/s, peak memory, sgemm reference).
public enum DIPEngineInfo {
    /// Engine version, bumped when results for a given seed change.
    public static let version = "1.1"
    /// What the convolutions multiply in: "bf16" (operands rounded to bfloat16, fp32 sums) on
    /// CPUs with AVX512_BF16 unless DIP_PRECISION=fp32, else "fp32".
    public static var convolutionPrecision: String { BF16.enabledByDefault ? "bf16" : "fp32" }
}
