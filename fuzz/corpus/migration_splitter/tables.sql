-- A table, an index and a trigger-free procedure body: what migrations hold.
CREATE TABLE t (
  id CHAR(36) NOT NULL, -- a comment; with a semicolon
  note VARCHAR(20) DEFAULT 'a;b',
  PRIMARY KEY (id)
) ENGINE=InnoDB;
/* a block comment ; spanning
   lines */
ALTER TABLE t ADD KEY t_note (note);
UPDATE t SET note = "x\"; y" WHERE id = '1';
