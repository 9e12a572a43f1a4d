import DIPEngine
import Foundation
import XCTest

/// The OpenBLAS loader's kernel choice: AVX-512 kernels whenever the CPU has them, whatever
/// OPENBLAS_CORETYPE the environment presets (this machine's presets Haswell), unless
/// DIP_OPENBLAS_CORETYPE chooses; and the environment is left as it was.
final class BLASLoaderTests: XCTestCase {
    func testPicksAVX512KernelsWhenTheCPUHasThem() throws {
        let env = ProcessInfo.processInfo.environment
        let before = env["OPENBLAS_CORETYPE"]
        try BLAS.load()
        XCTAssertEqual(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], before,
                       "the loader restores the environment it found")
        if let explicit = env["DIP_OPENBLAS_CORETYPE"], !explicit.isEmpty {
            XCTAssertEqual(BLAS.coreName.lowercased(), explicit.lowercased())
        } else if BLAS.cpuHasAVX512 {
            XCTAssertEqual(BLAS.coreName, "SkylakeX", "AVX-512 CPU should run OpenBLAS's SkylakeX kernels")
        } else {
            XCTAssertFalse(BLAS.coreName.isEmpty)
        }
    }
}
