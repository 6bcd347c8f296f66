print("nabla-bench")
