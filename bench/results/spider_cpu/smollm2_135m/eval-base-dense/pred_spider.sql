SELECT
CREATE TABLE "singer_in_concert" ( "concert_ID" int, "Singer_ID" text, PRIMARY KEY ("concert_ID","Singer_ID"), FOREIGN KEY ("Singer_ID") REFERENCES "singer"("Singer_ID"), FOREIGN KEY ("Age") REFERENCES "age" )
SELECT singer_name, singer_country, singer_age, singer_country_id FROM singer ORDER BY singer_age DESC
SELECT
SELECT
SELECT
CREATE TABLE stadium_name ( "Stadium_ID" int, "Stadium_Name" text, "Capacity" int, "Highest" int, "Lowest" int, "Average" int, PRIMARY KEY ("Stadium_ID") )
SELECT
CREATE TABLE stadium_names ( "Stadium_ID" int, "Name" text, PRIMARY KEY ("Stadium_ID") )
SELECT Country FROM singer_in_concert WHERE (Singer_ID > 40 AND Singer_ID < 30) OR (Singer_ID > 40 AND Singer_ID < 30)
CREATE TABLE stadiums ( "Stadium_ID" int, "Name" text, "Capacity" int, "Highest" int, "Lowest" int, PRIMARY KEY ("Stadium_ID") )
SELECT
CREATE TABLE singer_names ( Singer_ID int, Singer_Name text, Singer_Country text, Singer_Song_Name text, Singer_Song_Release_Year text, Singer_Age int, Singer_Is_Male bool, PRIMARY KEY ("Singer_ID") )
SELECT
SELECT
SELECT
SELECT
SELECT PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | PetAge | PetType | Pet
SELECT
SELECT * FROM Students WHERE StuID NOT IN (SELECT StuID FROM Students WHERE LName NOT LIKE '%cat%'
SELECT
SELECT PetID, PetType, pet_age, weight FROM Pets WHERE age > 1
SELECT AVG(age) AS avg_age, PetType AS max_age FROM Pets GROUP BY PetType
SELECT PetType, PetWeight, PetAge, PetWeight/100 AS PetWeightAverage FROM Pets GROUP BY PetType HAVING COUNT(*) > 10
SELECT PetID FROM Pets WHERE PetType = 'cat' AND PetAge = 2001
SELECT
SELECT PetID, PetType, PetAge, PetWeight, PetType, PetAge, PetWeight PetID | PetType | PetAge | PetWeight 1001 | cat | 3 | 12.0 1002 | dog | 2 | 13.4 1003 | dog | 1 | 9.3 1004 | cat | 3 | 12.0 1005 | dog | 2 | 13.4 1006 | cat | 3 | 12.0 1007 | dog | 2 | 13.4 1008 | cat | 3 | 12.0
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT MAX(Makers) AS max_makers FROM cars_data
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT * FROM airlines WHERE Airline LIKE '%USA%'
SELECT
SELECT
SELECT COUNT(*) FROM flights
SELECT
SELECT
SELECT
SELECT * FROM flights WHERE SourceAirport = 28 AND DestAirport = 29
SELECT * FROM flights LIMIT 3
SELECT
SELECT * FROM flights WHERE SourceAirport = 'AHD' AND DestAirport = 'AHD'
SELECT * FROM flights LIMIT 3
SELECT * FROM flights WHERE SourceAirport = 1
SELECT
SELECT
SELECT * FROM flights WHERE Airline = 'CVO' AND SourceAirport = 'APG'
SELECT
SELECT
SELECT * FROM airlines WHERE Airline IN (   SELECT Airline   FROM flights   WHERE SourceAirport = 'Aberdeen'   AND DestAirport = 'Abilene' )
SELECT
SELECT
SELECT * FROM flights WHERE SourceAirport = 'Aberdeen' AND DestAirport = 'ACV'
SELECT COUNT(*) as employees
SELECT * FROM employees ORDER BY age ASC
SELECT COUNT(*) FROM employees WHERE city_id = 1000
SELECT
SELECT * FROM employee WHERE Employee_ID = 10000001
SELECT * FROM store_products WHERE (name, product_number) IN (   SELECT name, product_number   FROM products   GROUP BY name )
SELECT
SELECT
SELECT
SELECT COUNT(*) FROM employee WHERE Employee_ID = 1000
SELECT
CREATE TABLE Document_IDENTIFIER ( Document_ID INTEGER NOT NULL, Document_Name VARCHAR(255), Document_Description VARCHAR(255), Other_Details VARCHAR(255), PRIMARY KEY (Document_IDENTIFIER), FOREIGN KEY (Document_IDENTIFIER) REFERENCES Documents (Document_IDENTIFIER) )
SELECT
SELECT
SELECT
SELECT *FROM Ref_Template_Types WHERE Template_Type_Code = 5
SELECT
SELECT
CREATE TABLE template_id_template_type_code ( Template_Type_Code INTEGER NOT NULL, Template_Type_Description VARCHAR(255) NOT NULL, PRIMARY KEY (Template_Type_Code) )
SELECT
SELECT
SELECT
SELECT Template_Type_Code FROM Ref_Template_Types WHERE Template_Type_Code = 5
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
CREATE TABLE "teacher" ( "Teacher_ID" int, "Name" text, "Age" text, "Hometown" text, PRIMARY KEY ("Teacher_ID") )
CREATE TABLE "teacher" ( "Teacher_ID" int, "Name" text, "Age" text, "Hometown" text, PRIMARY KEY ("Teacher_ID") )
SELECT
SELECT
SELECT
SELECT
SELECT * FROM visit WHERE (Museum_ID, vis_id, num_tickets, num_tickets_spent) JOIN visit_level ON visit_level.id = visit_level.id_ticket_level
SELECT * FROM museum WHERE Museum_ID > 100
SELECT
SELECT
CREATE TABLE injury_count ( id int, injury_id int, injury_type int, injury_id int, injury_id int, injury_id int, injury_type int, injury_id int, injury_id int, injury_id int, injury_id int, injury_id int, injury_id int, injury_
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT * FROM Transcript_Contents WHERE student_enrolment_id = CAST(student_enrolment_id AS INT)
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
CREATE TABLE `Transcripts` ( `transcript_id` INTEGER PRIMARY KEY, `transcript_date` DATETIME, `other_details` VARCHAR(255) ) CREATE TABLE `Transcript_Contents` ( `transcript_id` INTEGER PRIMARY KEY, `transcript_id` INTEGER NOT NULL, FOREIGN KEY (`transcript_id`) REFERENCES `Transcripts`(`transcript_id` ) ) CREATE TABLE `Transcript_Contents` ( `transcript_id` INTEGER PRIMARY KEY, `transcript_id` INTEGER NOT NULL, FOREIGN KEY (`transcript_id`) REFERENCES `Transcripts`(`
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT (DISTINCT
SELECT
SELECT
SELECT
SELECT
SELECT
CREATE TABLE earnings ( id int PRIMARY KEY, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int, id_player int,
SELECT P.Poker_Player_ID, MAX(P.People_ID) AS People_ID, MAX(P.People_ID) AS People_ID, MAX(P.People_ID) AS People_ID, MAX(P.People_ID) AS People_ID, MAX(P.People_ID) AS People_ID, MAX(P.People_ID) AS People_ID, MAX(P.
SELECT * FROM people WHERE Nationality = 'Russian' ORDER BY People_ID DESC
CREATE TABLE people ( "People_ID" int, "Nationality" text, "Name" text, "Birth_Date" text, "Height" real, PRIMARY KEY ("People_ID") )
SELECT
SELECT Birth_Date FROM people WHERE Birth_Date < 2018
SELECT
SELECT * FROM people WHERE Nationality = 'Russia' ORDER BY People_ID DESC LIMIT 3
SELECT
SELECT * FROM people WHERE Nationality IS NOT NULL
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT * FROM (   SELECT      DISTINCT     (SELECT COUNT(*) as num_people, COUNT(*) as num_people, COUNT(*) as num_people, COUNT(*) as num_people, COUNT(*) as num_people, COUNT(*) as num_people, COUNT(*) as num_people, COUNT(*) as num_people, COUNT(*) as num_people, COUNT(*) as num_people, COUNT(*) as num_people, COUNT(*) as num_people, COUNT(*) as num_people,
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT * FROM city WHERE CountryCode = 'AFG' AND Language = 'Afganistan/Afqanestan'
SELECT
SELECT
SELECT
SELECT
SELECT * FROM `country` WHERE `CountryCode` NOT IN (1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52
SELECT * FROM `country` WHERE `CountryCode` = 'A' GROUP BY `CountryCode` ORDER BY `Language` DESC LIMIT 3
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT * FROM conductor WHERE Conductor_ID NOT IN (SELECT CONductor_ID FROM conductor WHERE Name = 'Antal Doráti')
SELECT * FROM conductor WHERE CONductor_ID IS NOT NULL
SELECT * FROM conductor WHERE Nationality = 'USA' ORDER BY Nationality
SELECT
CREATE TABLE "conductor" ( "Conductor_ID" int, "Name" text, "Age" int, "Nationality" text, "Year_of_Work" int, PRIMARY KEY (`Conductor_ID`) )
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT COUNT(*) FROM conductor WHERE CONductor_ID = 1
SELECT
SELECT COUNT(*) FROM Highschooler
SELECT name, grade FROM Highschooler WHERE student_id = 1510
SELECT
SELECT
SELECT    grade,   MAX(student_id) as max_grade,   MAX(student_id) as max_grade_id,   MAX(student_id) as max_grade_id,   MAX(student_id) as max_grade_id,   MAX(student_id) as max_grade_id,   MAX(student_id) as max_grade_id FROM Highschooler WHERE grade = 9
SELECT MAX(student_id) AS high_schoolers, MAX(student_id) AS high_schoolers_grade FROM Highschooler GROUP BY student_id, student_id LIMIT 3
SELECT * FROM Highschooler WHERE student_id IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
SELECT student_id, student_id, friend_id, friend_id FROM Highschooler JOIN (   SELECT student_id,   PRIMARY KEY(student_id),   FOREIGN_KEY_FK(student_id) AS student_id_foreign_key FROM Highschooler JOIN (   SELECT student_id,   PRIMARY KEY(student_id),   FOREIGN_KEY_FK(student_id) AS student_id_foreign_key FROM Highschooler JOIN (   SELECT student_id,   PRIMARY KEY(student_id),   FOREIGN
SELECT name, id FROM Highschooler WHERE id = 1510
SELECT name FROM Highschooler WHERE student_id IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
SELECT * FROM Highschooler WHERE student_id = 1510
SELECT COUNT(*) FROM Friend
SELECT
SELECT * FROM Likes WHERE student_id = 1510 AND student_id = 1689
SELECT
SELECT * FROM Highschooler WHERE student_id IN (1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,
SELECT
SELECT
SELECT AVG(grade) AS average_grade, (SELECT MAX(grade) FROM Highschooler) AS max_grade, (SELECT MAX(grade) FROM Highschooler) AS max_grade FROM Friend GROUPING BY student_id, liked_id
SELECT
SELECT AVG(age) AS avg_age FROM Treatment_Types WHERE treatment_type_code = 'Treatment_Types.Treatment_Types.Treatment_Type_Code' AND treatment_type_code = 'Treatment_Types.Treatment_Types.Treatment_Type_Code' WHERE dog_id = 1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT owner_id, first_name, last_name, street, city, state, zip_code, last_name, email_address, home_phone, cell_number, date_of_birth, gender, weight, date_arrived, date_adopted, date_departed, date_arrived, date_adopted, dog_id, dog_name, dog_age, dog_breed_code, dog_breed_description, dog_breed_code, dog_breed_description, dog_breed_code, dog_breed_description, dog_breed_code, dog_breed_description, dog_breed_code, dog_breed_description,
SELECT
CREATE TABLE `Treatments` ( `treatment_id` INTEGER PRIMARY KEY, `treatment_type_code` VARCHAR(10), `date_of_treatment` DATETIME, `cost_of_treatment` DECIMAL(19,4), `date_arrived` DATETIME, `date_adopted` DATETIME, `date_departed` DATETIME, `street` VARCHAR(50), `city` VARCHAR(50), `state` VARCHAR(20), `zip_code` VARCHAR(20), `last_name`
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT
SELECT DISTINCT DISTINCT FROM `Professionals` WHERE DISTINCT DISTINCT EXISTS (   SELECT DISTINCT DISTINCT   FROM `Dogs`   WHERE dog_id = 10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
SELECT
SELECT
SELECT COUNT(*) FROM `Dogs` WHERE dog_id = 100
SELECT
SELECT
SELECT DISTINCT DISTINCT FROM `Professionals` WHERE DISTINCT DISTINCT EXISTS (   SELECT DISTINCT DISTINCT   FROM `Dogs`   WHERE dog_id NOT IN (     SELECT dog_id     FROM `Dogs`   ) )
SELECT
SELECT
SELECT
SELECT breed_type_code, size_type_code FROM (   SELECT breed_type_code, size_type_code   FROM (     SELECT breed_type_code, size_type_code   FROM dogs   GROUP BY breed_type_code, size_type_code ) AS breed_type_agg WHERE breed_type_code = 'breed_type_code'
CREATE TABLE `Professionals` (   `professional_id` INTEGER NOT NULL,   `role_code` VARCHAR(10) NOT NULL,   `street` VARCHAR(50),   `city` VARCHAR(50),   `state` VARCHAR(20),   `zip_code` VARCHAR(20),   `last_name` VARCHAR(50),   `email_address` VARCHAR(50),   `home_phone` VARCHAR(20),   `cell_number` VARCHAR(20),   `date_of_birth` DATETIME,   `cost_of_treatment` DECIMAL(19,
SELECT
SELECT * FROM song WHERE SONG_ID = 1000
SELECT
SELECT
SELECT
SELECT SUM(Sales) AS TotalSales FROM song LIMIT 3
SELECT
SELECT * FROM song WHERE SINGELESS_SONG_ID = 100000
SELECT
SELECT
SELECT
