func.func @f() -> tensor<1xi8> {
  %0 = arith.constant dense_resource<blob> : tensor<1xi8>
  return %0 : tensor<1xi8>
}
{-#
  dialect_resources: {
    builtin: {
      blob: "0x0800000001"
    }
  },
  external_resources: {
    other: {
      flag: true, "tab\09key": "say \"hi\"", // a comment
      data: "0x08000000abcd"
    },
    more: { off: false }
  }
#-}
