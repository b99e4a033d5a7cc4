func.func @f() -> (tensor<3xi64>, tensor<2xi16>, tensor<1xi8>) {
  %0 = arith.constant dense_resource<big> : tensor<3xi64>
  %1 = arith.constant dense_resource<"quoted-\22key\22"> : tensor<2xi16>
  %2 = arith.constant dense_resource<declared_only> : tensor<1xi8>
  return %0, %1, %2 : tensor<3xi64>, tensor<2xi16>, tensor<1xi8>
}
{-#
  dialect_resources: {
    builtin: {
      big: "0x08000000010000000000000002000000000000000300000000000000",
      "quoted-\22key\22": "0x0200000001000200"
    }
  }
#-}
