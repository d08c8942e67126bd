INSERT INTO t VALUES ('a;b', "c;d"); -- x;y
/* ; */ SELECT 1;
# c
SELECT '\';