module gochk
go 1.21
