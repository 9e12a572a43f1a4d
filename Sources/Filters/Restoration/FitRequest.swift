import DIPEngine
import FilterAPI

/// What a filter fits: the data term with its targets and, for a residual fit, the base image.
struct FitTarget {
    var data: DataTerm
    var residualBase: [Float]? = nil
}

/// One Deep Image Prior fit, complete: the recipe (with channel counts), the size the net works
/// at, its input z, the data term with its targets, the seed and the time limit, and the names
/// progress and errors use. Built by `DIPImageTask.restore`, run by `DIPRunner.fit`.
struct FitRequest {
    var filter: String
    var imageName: String
    var recipe: DIPRecipe
    /// The net's output size (padded to the net's multiple).
    var width: Int, height: Int
    var input: NetInput
    var data: DataTerm
    var seed: UInt64
    var maxSeconds: Double?
    /// The run's memory budget in bytes (`FilterContext.maxMemory`).
    var memoryBudget: Int
    /// For a residual fit: the base image (planes at the net's size); the estimate is then
    /// base + output − 0.5 and the net's head starts at zero, so the fit starts at the base.
    var residualBase: [Float]?

    var options: FitOptions {
        var o = FitOptions(learningRate: recipe.learningRate, regNoiseStd: recipe.regNoiseStd,
                           emaDecay: recipe.emaDecay, divergenceGuard: recipe.divergenceGuard, seed: seed)
        o.emaStart = recipe.emaStart
        o.zeroHead = residualBase != nil
        o.memoryBudget = memoryBudget
        return o
    }
}
