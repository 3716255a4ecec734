"""`export`: a trained run → a studio model pack (encoder_model.onnx, decoder_model.onnx +
decoder_with_past_model.onnx in Optimum's layout, tokenizer.json, generation_config.json,
config.json, model.json)."""
