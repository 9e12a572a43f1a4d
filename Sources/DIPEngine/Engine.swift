// Placeholder so the target builds; the engine lives here.
