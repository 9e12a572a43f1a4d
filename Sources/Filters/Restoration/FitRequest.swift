import DIPEngine
import FilterAPI

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

    var options: FitOptions {
        var o = FitOptions(learningRate: recipe.learningRate, regNoiseStd: recipe.regNoiseStd,
                           emaDecay: recipe.emaDecay, divergenceGuard: recipe.divergenceGuard, seed: seed)
        o.emaStart = recipe.emaStart
        return o
    }
}
