irdl.dialect @broken {
  irdl.operation @op {
    %t = irdl.is
  }
}
