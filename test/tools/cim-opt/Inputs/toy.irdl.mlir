// A plugin dialect: any IRDL file loads with --irdl-file.
irdl.dialect @toy {
  irdl.operation @twice {
    %t = irdl.is i32
    irdl.operands(x: %t)
    irdl.results(y: %t)
  }
}
