func.func @f(%arg0: tensor<2xi8>) -> tensor<2xi8> {
  %0 = "test.custom_op"(%arg0) <{segments = array<i32: 1>}> {tag = dense_resource<blob> : tensor<1xi8>} : (tensor<2xi8>) -> tensor<2xi8>
  "test.anything"() ({
    "test.inner"() : () -> ()
  }) : () -> ()
  return %0 : tensor<2xi8>
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x0800000001"
    }
  }
#-}
