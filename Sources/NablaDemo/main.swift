print("nabla-demo")
